// Copy a BibTeX block to the clipboard. No framework, no network.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".pkb-copy");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.textContent).then(() => {
    const label = button.textContent;
    button.textContent = "已复制";
    button.classList.add("pkb-copied");
    setTimeout(() => { button.textContent = label; button.classList.remove("pkb-copied"); }, 1500);
  });
});
