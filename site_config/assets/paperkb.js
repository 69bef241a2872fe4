// Copy buttons (a BibTeX block, an arXiv id) and the `/` shortcut to the search box. No framework, no network.
// Where the Clipboard API is missing (pages served over plain HTTP) or refuses, the block is selected instead and a
// visible hint says how to copy it, so the button never fails silently.
function selectBlock(source, button) {
  const range = document.createRange();
  range.selectNodeContents(source);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  const hint = button.parentElement.querySelector(".pkb-copy-hint");
  if (hint) hint.textContent = "已选中，请按 Ctrl+C（Mac 上 ⌘C）复制";
}

document.addEventListener("click", (event) => {
  const button = event.target.closest(".pkb-copy");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  if (!source) return;
  if (!navigator.clipboard || !navigator.clipboard.writeText) {
    selectBlock(source, button);
    return;
  }
  navigator.clipboard.writeText(source.textContent.trim()).then(() => {
    const label = button.textContent;
    button.textContent = "已复制";
    button.classList.add("pkb-copied");
    setTimeout(() => { button.textContent = label; button.classList.remove("pkb-copied"); }, 1500);
  }, () => selectBlock(source, button));
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
