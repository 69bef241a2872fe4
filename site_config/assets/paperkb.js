// Copy buttons (BibTeX, arXiv id) and the `/` shortcut to the header search box. No framework, no network.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".pkb-copy");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.textContent.trim()).then(() => {
    const label = button.textContent;
    button.textContent = "已复制";
    button.classList.add("pkb-copied");
    setTimeout(() => { button.textContent = label; button.classList.remove("pkb-copied"); }, 1500);
  });
});

// `/` focuses the search box (the search page's own box there, the header's elsewhere), unless the reader is typing.
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
  const box = document.getElementById("pkb-q") || document.getElementById("pkb-header-q");
  if (!box) return;
  event.preventDefault();
  box.focus();
  box.select();
});
