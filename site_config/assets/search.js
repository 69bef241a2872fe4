// Pagefind's default UI on the search page; the query can come from ?q= (the home page's search box uses it).
// A Chinese query becomes the character pairs pages are indexed with (see src/paperkb/searchterms.py).
// Global so the benchmark can rank exactly as this page does.
// Each pair is one ASCII token, "k" + the two code points in hex, exactly as pair_token() writes it.
window.pkbTerms = (term) => term
  .replace(/[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}/g, (run) => " " + Array.from({ length: run.length - 1 }, (_, i) =>
    "k" + run.codePointAt(i).toString(16) + run.codePointAt(i + 1).toString(16)).join(" ") + " ")
  .replace(/\s+/g, " ")
  .trim();

(function () {
  const ui = new PagefindUI({
    element: "#pkb-search",
    showSubResults: false,
    showImages: false,
    resetStyles: false,
    processTerm: window.pkbTerms,
    // Show the record's one-line summary instead of an excerpt that may come from the hidden index terms.
    processResult: (result) => {
      if (result.meta && result.meta.tldr) result.excerpt = result.meta.tldr.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
      return result;
    },
    translations: { placeholder: "搜索论文：标题、方法、机构……", zero_results: "没有找到与 [SEARCH_TERM] 相关的论文" },
  });
  const query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
})();
