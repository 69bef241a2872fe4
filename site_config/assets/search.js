// Pagefind's default UI on the search page; the query can come from ?q= (the home page's search box uses it).
(function () {
  const ui = new PagefindUI({
    element: "#pkb-search",
    showSubResults: false,
    showImages: false,
    resetStyles: false,
    translations: { placeholder: "搜索论文：标题、方法、机构……", zero_results: "没有找到与 [SEARCH_TERM] 相关的论文" },
  });
  const query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
})();
