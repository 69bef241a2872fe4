// 待读 (reading list) and bulk export, in the browser only: no server, no account, no framework, no third-party host.
//
// - The list is an array of record ids in localStorage ("pkb-list"), in the order they were added.
// - Every paper page, card, table row and search result gets one toggle button (cards and rows are found by their link
//   to papers/<id>/, so server-rendered lists and search results that appear later are handled alike).
// - Citations are built here from the per-paper files written at build time (cite/<id>.bib, .json, .ris), sorted by
//   citation key and joined as the server joins them, so a downloaded file equals `paperkb bib <ids>`.
// - Each fetched entry is cached in localStorage ("pkb-list-cache"), so export keeps working offline; an id whose files
//   are gone after a rebuild (HTTP 404) is reported by name and can be removed.
// - /list/?ids=a,b shows a shared list and offers to import it; ids are checked against the record-id grammar.

const LIST = "pkb-list";
const CACHE = "pkb-list-cache";
const ID = /^[a-z0-9][a-z0-9-]{1,80}$/;
const MAX = 1000; // more ids than this in a shared URL are ignored (a list is for reading, not for mirroring the site)
const FORMATS = {
  bib: { label: "BibTeX", suffix: ".bib", type: "application/x-bibtex" },
  json: { label: "CSL-JSON", suffix: ".json", type: "application/vnd.citationstyles.csl+json" },
  ris: { label: "RIS", suffix: ".ris", type: "application/x-research-info-systems" },
};
const root = new URL("../", import.meta.url); // this file is <site>/assets/readinglist.js

// ---- storage -------------------------------------------------------------------------------------------------------

function read(key, fallback) {
  try {
    const value = JSON.parse(localStorage.getItem(key));
    return value ?? fallback;
  } catch {
    return fallback; // unreadable or blocked storage: behave as empty, never break the page
  }
}

function write(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false; // quota or privacy mode: the list still works for this page view
  }
}

export function clean(ids) {
  const seen = new Set();
  const out = [];
  for (const raw of ids) {
    const id = String(raw).trim();
    if (ID.test(id) && !seen.has(id) && out.length < MAX) {
      seen.add(id);
      out.push(id);
    }
  }
  return out;
}

export const listed = () => clean(Array.isArray(read(LIST, [])) ? read(LIST, []) : []);
export const has = (id) => listed().includes(id);

export function save(ids) {
  const kept = clean(ids);
  write(LIST, kept);
  const cache = read(CACHE, {});
  for (const id of Object.keys(cache)) if (!kept.includes(id)) delete cache[id];
  write(CACHE, cache);
  refresh();
  return kept;
}

export function toggle(id) {
  const ids = listed();
  if (ids.includes(id)) {
    save(ids.filter((x) => x !== id));
    return false;
  }
  save([...ids, id]);
  entry(id); // fetch and cache now, so the list can be exported offline later
  return true;
}

// ---- citation files ------------------------------------------------------------------------------------------------

async function file(id, ext) {
  const response = await fetch(new URL(`cite/${id}${FORMATS[ext].suffix}`, root), { cache: "no-cache" });
  if (response.status === 404) return { gone: true };
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return { text: await response.text() };
}

// One paper's three files: {id, status: "ok" | "cached" | "gone" | "offline", files?, item?}.
export async function entry(id) {
  const cache = read(CACHE, {});
  try {
    const parts = await Promise.all(Object.keys(FORMATS).map((ext) => file(id, ext)));
    if (parts.some((p) => p.gone)) return { id, status: "gone" };
    const files = Object.fromEntries(Object.keys(FORMATS).map((ext, i) => [ext, parts[i].text]));
    const item = JSON.parse(files.json)[0];
    if (has(id)) write(CACHE, { ...read(CACHE, {}), [id]: files });
    return { id, status: "ok", files, item };
  } catch {
    const files = cache[id];
    if (!files) return { id, status: "offline" };
    return { id, status: "cached", files, item: JSON.parse(files.json)[0] };
  }
}

const byKey = (a, b) => (a.item.id < b.item.id ? -1 : a.item.id > b.item.id ? 1 : 0);

// The file for a set of entries, joined as the site's own topic and collection files are (see render.citations).
export function build(entries, ext) {
  const usable = entries.filter((e) => e.files).sort(byKey);
  if (ext === "json") return JSON.stringify(usable.map((e) => e.item), null, 2) + "\n";
  return usable.map((e) => e.files[ext]).join("\n");
}

function download(name, text, ext) {
  const url = URL.createObjectURL(new Blob([text], { type: `${FORMATS[ext].type};charset=utf-8` }));
  const a = Object.assign(document.createElement("a"), { href: url, download: name + FORMATS[ext].suffix });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---- buttons on pages ----------------------------------------------------------------------------------------------

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function paperId(link) {
  const url = new URL(link.getAttribute("href"), location.href);
  const match = url.pathname.match(/\/papers\/([a-z0-9][a-z0-9-]{1,80})\/?$/);
  return url.origin === location.origin && match ? match[1] : null;
}

function paint(button) {
  const on = has(button.dataset.pkbList);
  button.setAttribute("aria-pressed", String(on));
  button.textContent = button.closest("#pkb-list") ? "移除" : on ? "✓ 已在待读" : "＋ 待读";
  button.title = on ? "从待读列表中移除" : "加入待读列表（保存在本浏览器）";
  button.classList.toggle("pkb-list-on", on);
  button.hidden = false;
}

const HOLDERS = ".pkb-card, .pkb-rows tbody tr, .pkb-result";

// Where a holder's toggle goes: never inside a heading or a link, so titles read (and are found) as they are.
function place(holder) {
  if (holder.matches("tr")) return holder.cells[0];
  if (holder.matches(".pkb-card")) return holder.querySelector(".pkb-card-badges") || holder.appendChild(el("p", { className: "pkb-card-badges" }));
  return holder.querySelector(".pkb-result-head") || holder;
}

function enhance(scope) {
  for (const holder of scope.querySelectorAll ? scope.querySelectorAll(HOLDERS) : []) {
    if (holder.querySelector("[data-pkb-list]")) continue;
    const link = [...holder.querySelectorAll("a[href]")].find(paperId);
    if (!link) continue;
    const button = el("button", { type: "button", className: "pkb-list-toggle" });
    button.dataset.pkbList = paperId(link);
    place(holder).append(" ", button);
  }
  for (const button of document.querySelectorAll("button[data-pkb-list]")) paint(button);
  exportBars();
}

export function refresh() {
  for (const button of document.querySelectorAll("button[data-pkb-list]")) paint(button);
  for (const count of document.querySelectorAll("[data-pkb-list-count]")) count.textContent = String(listed().length);
  if (document.getElementById("pkb-list")) listPage();
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-pkb-list]");
  if (button) toggle(button.dataset.pkbList);
});
window.addEventListener("storage", (event) => {
  if (event.key === LIST) refresh(); // another tab changed the list
});

// ---- bulk export of a shown list -----------------------------------------------------------------------------------

// The ids a list container shows right now, in page order (search results change as the reader types or pages on).
function shownIds(container) {
  const ids = [...container.querySelectorAll(HOLDERS)].map((h) => [...h.querySelectorAll("a[href]")].map(paperId).find(Boolean));
  return clean(ids.filter(Boolean));
}

async function exportShown(container, ext, status) {
  const ids = shownIds(container);
  status.textContent = `正在准备 ${ids.length} 篇……`;
  const entries = await Promise.all(ids.map(entry));
  const gone = entries.filter((e) => !e.files).map((e) => e.id);
  download("paperkb-selection", build(entries, ext), ext);
  status.textContent = gone.length ? `已导出 ${ids.length - gone.length} 篇；无法获取：${gone.join(", ")}` : `已导出 ${ids.length} 篇`;
}

function exportBars() {
  const containers = document.querySelectorAll(".pkb-cards, table.pkb-rows, #pkb-results");
  for (const container of containers) {
    const n = shownIds(container).length;
    let bar = container.previousElementSibling?.classList.contains("pkb-export") ? container.previousElementSibling : null;
    if (!bar && !n) continue;
    if (!bar) {
      const status = el("span", { className: "pkb-export-status", role: "status" });
      const buttons = ["bib", "ris"].map((ext) => {
        const b = el("button", { type: "button", className: "md-button pkb-export-button", textContent: FORMATS[ext].label });
        b.dataset.pkbExport = ext;
        b.addEventListener("click", () => exportShown(container, ext, status));
        return b;
      });
      const addAll = el("button", { type: "button", className: "md-button pkb-export-button", textContent: "全部加入待读" });
      addAll.addEventListener("click", () => {
        const ids = shownIds(container);
        save([...listed(), ...ids]);
        ids.forEach(entry);
        status.textContent = `已加入待读：${ids.length} 篇`;
      });
      bar = el("p", { className: "pkb-export" }, el("span", { className: "pkb-export-label" }), " ", ...buttons, " ", addAll, " ", status);
      container.before(bar);
    }
    bar.hidden = n === 0;
    bar.querySelector(".pkb-export-label").textContent = `导出此处列出的 ${n} 篇：`;
  }
}

// ---- the /list/ page -----------------------------------------------------------------------------------------------

function shared() {
  const param = new URLSearchParams(location.search).get("ids");
  return param === null ? null : clean(param.split(","));
}

function shareUrl(ids) {
  const url = new URL(location.href);
  url.search = ids.length ? `?ids=${ids.join(",")}` : "";
  url.hash = "";
  return url.href;
}

function authorsOf(item) {
  const names = (item.author || []).map((a) => a.literal || [a.given, a.family].filter(Boolean).join(" "));
  return names.length > 3 ? `${names.slice(0, 3).join(", ")} 等` : names.join(", ");
}

const yearOf = (item) => item.issued?.["date-parts"]?.[0]?.[0] ?? "?";

let rendering = 0;

async function listPage() {
  const box = document.getElementById("pkb-list");
  const turn = ++rendering;
  const fromUrl = shared();
  const ids = fromUrl ?? listed();
  const entries = await Promise.all(ids.map(entry));
  if (turn !== rendering) return; // a newer render started while this one waited
  const ok = entries.filter((e) => e.files);
  const gone = entries.filter((e) => e.status === "gone").map((e) => e.id);
  const unreachable = entries.filter((e) => e.status === "offline").map((e) => e.id);
  const cached = entries.filter((e) => e.status === "cached").length;

  const parts = [];
  if (fromUrl) {
    const mine = listed();
    const fresh = ok.map((e) => e.id).filter((id) => !mine.includes(id));
    const importButton = el("button", { type: "button", className: "md-button md-button--primary", textContent: `导入到我的待读（新增 ${fresh.length} 篇）` });
    importButton.disabled = fresh.length === 0;
    importButton.dataset.pkbImport = "";
    importButton.addEventListener("click", () => {
      save([...mine, ...fresh]);
      fresh.forEach(entry);
      location.href = shareUrl([]);
    });
    parts.push(
      el("p", { className: "pkb-list-shared" }, `这是别人分享的列表，共 ${ok.length} 篇。`, " ", importButton, " ", el("a", { href: shareUrl([]), textContent: "查看我的待读" })),
    );
  }
  const years = new Map();
  for (const e of ok) years.set(yearOf(e.item), (years.get(yearOf(e.item)) || 0) + 1);
  const byYear = [...years].sort((a, b) => String(b[0]).localeCompare(String(a[0]))).map(([y, n]) => `${y} 年 ${n} 篇`).join(" · ");
  parts.push(el("p", { className: "pkb-list-count" }, el("strong", { textContent: `共 ${ok.length} 篇` }), ok.length ? `（${byYear}）` : ""));
  if (!ids.length) parts.push(el("p", { className: "pkb-muted", textContent: "待读列表是空的：在论文页、卡片或搜索结果上点「＋ 待读」加入。列表只保存在本浏览器里。" }));
  if (gone.length) {
    const drop = el("button", { type: "button", className: "md-button", textContent: "从待读中移除它们" });
    drop.dataset.pkbDropGone = "";
    drop.addEventListener("click", () => save(listed().filter((id) => !gone.includes(id))));
    parts.push(el("p", { className: "pkb-list-gone", role: "alert" }, `以下 ${gone.length} 篇已不在知识库中（可能已删除或改名）：${gone.join(", ")}。`, fromUrl ? "" : " ", fromUrl ? "" : drop));
  }
  if (unreachable.length) parts.push(el("p", { className: "pkb-list-gone", textContent: `离线且没有缓存，暂时无法导出：${unreachable.join(", ")}` }));
  if (cached) parts.push(el("p", { className: "pkb-muted", textContent: `网络不可用：${cached} 篇使用本浏览器缓存的引用。` }));

  if (ok.length) {
    const status = el("span", { className: "pkb-export-status", role: "status" });
    const buttons = Object.keys(FORMATS).map((ext) => {
      const b = el("button", { type: "button", className: "md-button", textContent: `下载 ${FORMATS[ext].label}` });
      b.dataset.pkbExport = ext;
      b.addEventListener("click", () => download("paperkb-list", build(ok, ext), ext));
      return b;
    });
    const share = el("button", { type: "button", className: "md-button", textContent: "复制分享链接" });
    const shareBox = el("input", { type: "text", readOnly: true, className: "pkb-share-url", value: shareUrl(ok.map((e) => e.id)) });
    shareBox.setAttribute("aria-label", "分享链接");
    share.addEventListener("click", () => copyText(shareBox.value, shareBox, status));
    parts.push(el("p", { className: "pkb-list-actions" }, ...buttons, " ", share, " ", status), el("p", {}, shareBox));
    const list = el("ol", { className: "pkb-list-items" });
    for (const e of ok) {
      const link = el("a", { href: new URL(`papers/${e.id}/`, root).href, textContent: e.item.title });
      const meta = [authorsOf(e.item), yearOf(e.item), e.item["container-title"]].filter(Boolean).join(" · ");
      const li = el("li", {}, link, " ", el("span", { className: "pkb-muted", textContent: meta }));
      if (!fromUrl) {
        const remove = el("button", { type: "button", className: "pkb-list-toggle" });
        remove.dataset.pkbList = e.id;
        li.append(" ", remove);
      }
      list.append(li);
    }
    parts.push(list);
  }
  box.replaceChildren(...parts);
  for (const button of box.querySelectorAll("button[data-pkb-list]")) paint(button);
}

// Copy, or when the Clipboard API is missing (plain-HTTP hosts) select the text and say how to copy it.
export function copyText(text, field, status) {
  const fallback = () => {
    field.focus();
    field.select?.();
    status.textContent = "已选中，请按 Ctrl+C（Mac 上 ⌘C）复制";
  };
  if (!navigator.clipboard?.writeText) return fallback();
  navigator.clipboard.writeText(text).then(() => (status.textContent = "已复制"), fallback);
}

// ---- start ---------------------------------------------------------------------------------------------------------

enhance(document);
refresh();
// Entries added on a page the reader left before its fetch finished are cached on the next page view instead.
const cache = read(CACHE, {});
for (const id of listed()) if (!cache[id]) entry(id);
new MutationObserver((records) => {
  if (records.some((r) => [...r.addedNodes].some((n) => n.nodeType === 1 && !n.closest?.(".pkb-export, #pkb-list")))) enhance(document);
}).observe(document.body, { childList: true, subtree: true });
