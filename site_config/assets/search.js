// The search page: a small UI on Pagefind's JS API (Pagefind's own UI bundle alone was 120 KB of a first search).
// Query rewriting mirrors src/paperkb/searchterms.py and glossary.py; a browser test holds the two equal.
//   - a query that is a paper's name, title, arXiv id (any pasted form), DOI or citation key becomes that identity's
//     token, searched first, so the paper it names comes first;
//   - glossary terms and institution names (either language) become their concept's token: English terms as word
//     sequences, Chinese terms when they are a whole run (a longer run stays one phrase);
//   - other Chinese runs become the character-pair tokens pages are indexed with; long English queries drop stop words.
// Filters (topic, year, venue, institution, tag) live in the URL: /search/?q=…&year=2023&topic=rag.

const CJK = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff";
const CJK_ONE = new RegExp(`[${CJK}]`);
const CJK_RUN = new RegExp(`^[${CJK}]+$`);
const NOT_WORD = new RegExp(`[^a-z0-9${CJK}]+`, "g");
const WORD = new RegExp(`[a-z0-9]+|[${CJK}]+`, "g");
const STOP = new Set("a an the of for to in on with and or is are be by as at from via you all we it its that this our".split(" "));
const PAGE = 10;
const FACET_SHOWN = 8;

export const norm = (text) => text.normalize("NFKC").toLowerCase().replace(NOT_WORD, " ").trim();

const fnv = (bytes, seed) => {
  let h = seed >>> 0;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
};
const hex8 = (n) => n.toString(16).padStart(8, "0");
// The concept-table shard of a normalised term (glossary.shard_of): FNV-1a of its UTF-8 bytes, modulo the shards.
const shardOf = (term, shards) => fnv(new TextEncoder().encode(term), 0x811c9dc5) % shards;
export const hashHex = (text) => {
  const bytes = new TextEncoder().encode(text);
  return hex8(fnv(bytes, 0x811c9dc5)) + hex8(fnv(bytes, 0x2f5a1b3d));
};
const tokenOf = (key, marker) => ((key.match(/^[a-z0-9]{1,8}/) || [""])[0]) + marker + hashHex(key);
export const identityToken = (text) => {
  const key = norm(text).replace(/ /g, "");
  return key ? tokenOf(key, "zq") : null;
};

// Whatever form an identifier was pasted in, the identity it names: arXiv ids without version, DOIs without resolver;
// null when the query is no identifier.
export const identifierIn = (query) => {
  const q = query.trim();
  const arxiv = q.match(/^(?:https?:\/\/)?(?:www\.|export\.)?(?:arxiv\.org\/(?:abs|pdf|html)\/)?(?:arxiv:\s*)?(\d{4}\.\d{4,5}|[a-z-]+(?:\.[a-z]{2})?\/\d{7})(?:v\d+)?(?:\.pdf)?\/?(?:[?#].*)?$/i);
  if (arxiv) return arxiv[1];
  const doi = q.match(/^(?:https?:\/\/)?(?:dx\.)?(?:doi\.org\/)?(?:doi:\s*)?(10\.\d{4,9}\/\S+)$/i);
  if (doi) return doi[1];
  return null;
};
export const identityOf = (query) => identifierIn(query) || query.trim();

// Character pairs as single ASCII tokens, exactly as searchterms.pair_token() writes them (kept global for bench/run.py).
const pairs = (run) => Array.from({ length: run.length - 1 }, (_, i) => "k" + run.codePointAt(i).toString(16) + run.codePointAt(i + 1).toString(16));
// The pairs of a run a query searches for: a common pair is dropped when the pairs on both sides of it are kept and an
// uncommon pair remains (searchterms.query_pairs; `common` is the site's list, most common first).
function queryPairs(run, common) {
  const all = Array.from({ length: run.length - 1 }, (_, i) => run.slice(i, i + 2));
  const kept = all.map(() => true);
  const order = all.map((p, i) => i).filter((i) => common.has(all[i])).sort((a, b) => common.get(all[a]) - common.get(all[b]) || a - b);
  for (const i of order) {
    if (!all.some((p, j) => kept[j] && !common.has(p))) break;
    if (i > 0 && i < all.length - 1 && kept[i - 1] && kept[i + 1]) kept[i] = false;
  }
  return all.filter((p, i) => kept[i]).map((p) => pairs(p)[0]);
}

window.pkbTerms = (term) => term
  .replace(new RegExp(`[${CJK}]{2,}`, "g"), (run) => " " + pairs(run).join(" ") + " ")
  .replace(/\s+/g, " ")
  .trim();

class Concepts {
  // `shards`: how many files the concept table is split into (search/concepts/<k>.json, by a hash of each term);
  // `maxWords`: the longest English term. A query loads only the shards its possible terms fall into.
  constructor(shards, maxWords, commonPairs = "") {
    this.common = new Map();
    for (let i = 0; i + 1 < commonPairs.length; i += 2) this.common.set(commonPairs.slice(i, i + 2), i / 2);
    this.zh = new Map();
    this.en = new Map();
    this.byKey = new Map();
    this.shards = shards;
    this.maxWords = maxWords;
    this.loaded = new Map();
  }

  // Rows of one shard: [glossary id or null, Chinese terms, English terms, institution or null, token head, number of
  // defining papers]; a concept's terms may be spread over several shards, each row holding those hashed to it.
  add(list) {
    for (const [id, zh, en, institution, head, defining] of list) {
      // Tokens as glossary.py / searchterms.py make them: the key's hash, after the first term's (or the name's) head.
      const key = institution ? `i:${institution}` : `g:${id}`;
      let c = this.byKey.get(key);
      if (!c) {
        c = { key, head, t: head + "zg" + hashHex(key), zh: [], en: [], institution, defining: Array.from({ length: defining || 0 }, (_, k) => head + "zd" + hashHex(`${key}#${k}`)) };
        this.byKey.set(key, c);
      }
      for (const term of zh) if (!this.zh.has(term)) { this.zh.set(term, c); c.zh.push(term); }
      for (const term of en) if (!this.en.has(term)) { this.en.set(term, c); c.en.push(term); }
    }
  }

  // Every string of the query that could be a term: each Chinese run whole, each run of up to maxWords ASCII words.
  candidates(query) {
    const tokens = norm(query).match(WORD) || [];
    const out = new Set();
    tokens.forEach((tok, i) => {
      if (CJK_RUN.test(tok)) { out.add(tok); return; }
      for (let n = 1; n <= this.maxWords && i + n <= tokens.length; n++) {
        const seq = tokens.slice(i, i + n);
        if (CJK_RUN.test(seq[n - 1])) break;
        out.add(seq.join(" "));
      }
    });
    return [...out];
  }

  // Load the shards a query's candidate terms fall into (each file once), so `rewrite` sees every concept it may name.
  async prepare(query) {
    const wanted = new Set(this.candidates(query).map((term) => shardOf(term, this.shards)));
    await Promise.all([...wanted].map((k) => {
      if (!this.loaded.has(k)) {
        this.loaded.set(k, fetch(new URL(`../search/concepts/${k}.json`, here)).then((r) => r.json()).then((rows) => this.add(rows)));
      }
      return this.loaded.get(k);
    }));
  }

  // The Pagefind query for a reader's query, the concepts it named, and the words to highlight in results.
  rewrite(query) {
    const tokens = norm(query).match(WORD) || [];
    const out = [];
    const found = [];
    const said = [];  // the term each found concept was named by, as the reader wrote it (normalised)
    const words = [];
    const piece = (text) => { if (text) out.push({ cjk: text }); };
    for (let i = 0; i < tokens.length;) {
      const tok = tokens[i];
      if (CJK_RUN.test(tok)) {
        // A run of Chinese that is a concept's term becomes the concept; any other run stays one phrase (its character
        // pairs): splitting 思维链 out of 思维链推理 would match every page that names chain of thought.
        const hit = this.zh.get(tok);
        if (hit) { out.push({ concept: hit }); found.push(hit); said.push(tok); } else piece(tok);
        i += 1;
        continue;
      }
      let matched = false;
      for (let n = Math.min(this.maxWords, tokens.length - i); n >= 1 && !matched; n--) {
        const seq = tokens.slice(i, i + n);
        if (seq.some((t) => CJK_RUN.test(t))) continue;
        const hit = this.en.get(seq.join(" "));
        if (hit) { out.push({ concept: hit }); found.push(hit); said.push(seq.join(" ")); i += n; matched = true; }
      }
      if (!matched) { out.push({ word: tok }); words.push(tok); i += 1; }
    }
    const plain = out.filter((p) => p.word).length;
    const keepAll = plain < 3 || out.every((p) => !p.word || STOP.has(p.word));
    const terms = out.flatMap((p) => {
      if (p.concept) return [p.concept.t];
      if (p.cjk) return p.cjk.length >= 2 ? queryPairs(p.cjk, this.common) : [p.cjk];
      return keepAll || !STOP.has(p.word) ? [p.word] : [];
    });
    const highlight = [...tokens, ...found.flatMap((c) => [...c.zh, ...c.en])];
    return { terms: [...new Set(terms)].join(" "), concepts: found, said, highlight };
  }
}

// ---- page ------------------------------------------------------------------------------------------------------------

const root = document.querySelector("[data-pkb-search]");
const here = new URL(import.meta.url);
const pagefindUrl = new URL("../pagefind/pagefind.js", here).href;
const dataUrl = new URL("../search/terms.json", here).href;
const labelsUrl = new URL("../search/labels.json", here).href;
const siteRoot = new URL("../", here);

let pf = null;
let data = null;
let concepts = null;
let facetsLoaded = false;
// Tag names and institutions' Chinese names for facets and filter chips; fetched only when those are shown.
let labels = { tags: {}, institutions: {} };
let labelsLoaded = null;
const loadLabels = () => (labelsLoaded ||= fetch(labelsUrl).then((r) => r.json()).then((l) => { labels = l; }));
let state = { q: "", filters: {} };
let results = [];
let shown = 0;
let highlight = [];
let generation = 0;

const $ = (id) => document.getElementById(id);
const el = (tag, cls, text) => {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
};

async function setup() {
  const [mod, table] = await Promise.all([import(pagefindUrl), fetch(dataUrl).then((r) => r.json())]);
  await mod.options({ noWorker: true, excerptLength: 0 });
  // A large collection is indexed in shards (src/paperkb/searchshards.py): Pagefind merges them, counts included.
  for (const bundle of table.shards || []) await mod.mergeIndex(new URL(`../${bundle}/`, here).href, { excerptLength: 0 });
  pf = mod;
  data = table;
  concepts = new Concepts(data.conceptShards, data.maxWords, data.commonPairs || "");
  // For the benchmark and the tests: the ranking and the rewriting this page uses, nothing else.
  window.pkbRank = async (q, filters, limit) => Promise.all((await rank(q, filters)).results.slice(0, limit).map(cardData));
  window.pkbCount = async (q, filters) => (await rank(q, filters)).results.length;
  window.pkbRewrite = async (q) => { await concepts.prepare(q); return concepts.rewrite(q).terms; };
  window.pkbIdentity = (q) => identityToken(identityOf(q));
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// Text with the query's words and concept terms wrapped in <mark>, built as DOM nodes (never as HTML).
function marked(cls, text) {
  const node = el("span", cls);
  const parts = highlight.filter((w) => w && (w.length > 1 || CJK_ONE.test(w)))
    .sort((a, b) => b.length - a.length)
    .map((w) => escapeRe(w).replace(/ /g, "[\\s\\-_]+"));
  if (!parts.length || !text) { node.textContent = text || ""; return node; }
  const re = new RegExp(parts.join("|"), "giu");
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (!m[0]) continue;
    node.append(text.slice(last, m.index), el("mark", "", m[0]));
    last = m.index + m[0].length;
  }
  node.append(text.slice(last));
  return node;
}

function filtersForPagefind(filters) {
  const out = {};
  for (const [name, values] of Object.entries(filters)) if (values.length) out[name] = { any: values };
  return out;
}

// Ranked result handles for a query and filters: exact identities first, then the rewritten full-text search.
async function rank(query, filters = {}) {
  const q = query.trim();
  const options = { filters: filtersForPagefind(filters) };
  if (!q) {
    const all = await pf.search(null, options);
    return { results: all.results, counts: all.filters, rewritten: null };
  }
  await concepts.prepare(q);
  const rw = concepts.rewrite(q);
  const id = identifierIn(q);
  const ident = CJK_ONE.test(q) ? null : identityToken(id || q);
  if (id) rw.terms = "";  // an arXiv id or DOI names one paper or none: no full-text look-alikes
  // Pagefind's unquoted search ranks, but a term that is in no page falls back to the longest indexed prefix there (an
  // identity nobody has would match whatever shares its first letters). Its quoted, exact mode does not fall back but
  // does not rank. So a one-token search keeps the ranked results that the exact search also finds.
  const exactly = async (token) => {
    const [ranked, exact] = await Promise.all([pf.search(token, options), pf.search(`"${token}"`, options)]);
    const keep = new Set(exact.results.map((r) => r.id));
    return { results: ranked.results.filter((r) => keep.has(r.id)), filters: exact.filters };
  };
  // Several terms: the same fall-back can let a term that is in no page of one index shard (searchshards.py) match its
  // look-alikes there, so only pages that have every term exactly are kept. The facet counts come from the ranked
  // search when nothing was dropped (always, where every term is indexed); otherwise from the rarest term's exact search.
  const everyTerm = async (terms) => {
    const words = terms.split(" ");
    const [ranked, ...exact] = await Promise.all([pf.search(terms, options), ...words.map((w) => pf.search(`"${w}"`, options))]);
    const keep = exact.map((e) => new Set(e.results.map((r) => r.id)));
    const results = ranked.results.filter((r) => keep.every((k) => k.has(r.id)));
    if (results.length === ranked.results.length) return ranked;
    const rarest = exact.reduce((a, b) => (b.results.length < a.results.length ? b : a));
    return { results, filters: rarest.filters };
  };
  const single = rw.terms && !rw.terms.includes(" ");
  // A query that is one institution: its own papers first (Pagefind's filter), then pages that mention it.
  const only = single && rw.concepts.length === 1 ? rw.concepts[0].institution : null;
  const own = only ? { ...options.filters, institution: { any: [only] } } : null;
  // A query that is one glossary concept: the papers its entry names as defining it first, in the entry's order (one
  // exact token each, next to the concept's own token in the index), then everything else that uses the concept.
  const one = single && rw.concepts.length === 1 ? rw.concepts[0] : null;
  const defining = one ? one.defining : [];
  // Then the pages that use the very term the reader wrote (its own token: searchterms.term_token), then
  // those that use only another of the concept's terms, in either language.
  const literal = one ? "zt" + hashHex(`${one.key}|${rw.said[0]}`) : null;
  const [byId, byOwn, byText, byLiteral, ...byDefining] = await Promise.all([
    ident ? exactly(ident) : null,
    own ? pf.search(rw.terms, { filters: own }) : null,
    rw.terms ? (single ? exactly(rw.terms) : everyTerm(rw.terms)) : null,
    literal ? exactly(literal) : null,
    ...defining.map((token) => exactly(token)),
  ]);
  const seen = new Set();
  const merged = [];
  const first = byDefining.flatMap((d) => d.results);
  const said = byLiteral ? byLiteral.results : [];
  for (const r of [...(byId ? byId.results : []), ...first, ...(byOwn ? byOwn.results : []), ...said, ...(byText ? byText.results : [])]) {
    if (!seen.has(r.id)) { seen.add(r.id); merged.push(r); }
  }
  return { results: merged, counts: byText ? byText.filters : byId ? byId.filters : {}, rewritten: rw };
}

function readUrl() {
  const params = new URLSearchParams(window.location.search);
  const filters = {};
  for (const [name] of data.facets) {
    const values = params.getAll(name).filter(Boolean);
    if (values.length) filters[name] = [...new Set(values)];
  }
  return { q: params.get("q") || "", filters };
}

function writeUrl() {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const [name, values] of Object.entries(state.filters)) for (const v of values) params.append(name, v);
  const query = params.toString();
  history.replaceState(null, "", query ? `?${query}` : window.location.pathname);
}

const facetLabel = (name, value) => {
  if (name === "topic") return data.topics[value] ? data.topics[value][0] : value;
  if (name === "tag") return labels.tags[value] || value;
  if (name === "institution" && labels.institutions[value]) return `${value}（${labels.institutions[value]}）`;
  return value;
};

function renderFacets(counts) {
  const box = $("pkb-facet-groups");
  box.replaceChildren();
  if (!facetsLoaded) return;
  for (const [name, label] of data.facets) {
    const chosen = state.filters[name] || [];
    const values = Object.entries(counts[name] || {}).filter(([v, n]) => n > 0 || chosen.includes(v));
    if (!values.length) continue;
    values.sort(name === "year" ? (a, b) => Number(b[0]) - Number(a[0]) : (a, b) => b[1] - a[1] || facetLabel(name, a[0]).localeCompare(facetLabel(name, b[0])));
    const group = el("fieldset", "pkb-facet");
    group.append(el("legend", "", label));
    const list = el("ul", "pkb-facet-values");
    values.forEach(([value, n], i) => {
      const item = el("li");
      if (i >= FACET_SHOWN && !chosen.includes(value)) item.hidden = true;
      const lab = el("label");
      const box2 = el("input");
      box2.type = "checkbox";
      box2.name = name;
      box2.value = value;
      box2.checked = chosen.includes(value);
      box2.addEventListener("change", () => {
        const now = new Set(state.filters[name] || []);
        if (box2.checked) now.add(value); else now.delete(value);
        state.filters[name] = [...now];
        if (!state.filters[name].length) delete state.filters[name];
        search();
      });
      lab.append(box2, " ", el("span", "pkb-facet-name", facetLabel(name, value)), " ", el("span", "pkb-count", String(n)));
      item.append(lab);
      list.append(item);
    });
    group.append(list);
    if (values.length > FACET_SHOWN) {
      const more = el("button", "pkb-facet-more", `显示全部 ${values.length} 项`);
      more.type = "button";
      more.addEventListener("click", () => { list.querySelectorAll("li[hidden]").forEach((li) => { li.hidden = false; }); more.remove(); });
      group.append(more);
    }
    box.append(group);
  }
}

// The active filters above the results, each removable: on a phone the facet panel starts closed.
function renderActive() {
  const box = $("pkb-active");
  box.replaceChildren();
  const chosen = data.facets.flatMap(([name, label]) => (state.filters[name] || []).map((value) => [name, label, value]));
  if (!chosen.length) return;
  box.append(el("span", "pkb-muted", "已筛选："));
  for (const [name, label, value] of chosen) {
    const b = el("button", "pkb-chip pkb-active-filter", `${label}：${facetLabel(name, value)} ✕`);
    b.type = "button";
    b.setAttribute("aria-label", `去掉筛选 ${label} ${facetLabel(name, value)}`);
    b.addEventListener("click", () => {
      state.filters[name] = (state.filters[name] || []).filter((v) => v !== value);
      if (!state.filters[name].length) delete state.filters[name];
      search();
    });
    box.append(b, " ");
  }
}

function renderTopics(rw) {
  const box = $("pkb-topic-hits");
  box.replaceChildren();
  if (!rw) return;
  const wanted = new Set([norm(state.q), ...rw.concepts.flatMap((c) => [...c.zh, ...c.en])]);
  const q = norm(state.q);
  const hits = Object.entries(data.topics).filter(([, [, , terms]]) => terms.some((term) => wanted.has(term) || (q.length >= 2 && term.includes(q))));
  if (!hits.length) return;
  hits.sort((a, b) => b[1][1] - a[1][1]);
  const p = el("p", "pkb-topic-hits");
  p.append(el("span", "pkb-muted", "相关主题："));
  for (const [id, [name, count]] of hits.slice(0, 4)) {
    const a = el("a", "pkb-chip pkb-chip-topic", `${name}（${count} 篇）`);
    a.href = new URL(`topics/${id}/`, siteRoot).pathname;
    p.append(a, " ");
  }
  box.append(p);
}

// A result's URL and meta from its small card file (paperkb/searchcards.py), not from Pagefind's fragment, which also
// holds the page's whole indexed text: ten fragments were the largest part of a first search at 10,000 papers.
const cardData = (result) => fetch(new URL(`../search/cards/${encodeURIComponent(result.id)}.json`, here))
  .then((r) => (r.ok ? r.json() : result.data()))
  .then((card) => (card.shared ? result.data() : card));  // an id two index shards share: searchcards.SHARED

async function card(result) {
  const d = await cardData(result);
  const m = d.meta || {};
  const li = el("li", "pkb-result");
  const head = el("p", "pkb-result-head");
  const link = el("a", "pkb-result-link");
  link.href = d.url;
  link.append(marked("pkb-result-short", m.short || m.title || d.url));
  head.append(link);
  const facts = [m.year, m.venue].filter(Boolean).join(" · ");
  if (facts) head.append(" ", el("span", "pkb-result-facts", facts));
  li.append(head);
  const title = el("p", "pkb-result-title");
  title.append(marked("", m.title || ""));
  li.append(title);
  if (m.tldr) { const t = el("p", "pkb-result-tldr"); t.append(marked("", m.tldr)); li.append(t); }
  if (m.topics) li.append(el("p", "pkb-result-topics", m.topics));
  return li;
}

async function showMore(gen) {
  const next = results.slice(shown, shown + PAGE);
  const cards = await Promise.all(next.map(card));
  if (gen !== generation) return;
  $("pkb-results").append(...cards);
  shown += next.length;
  $("pkb-more").hidden = shown >= results.length;
}

async function search() {
  const gen = ++generation;
  writeUrl();
  const status = $("pkb-status");
  const hasFilters = Object.keys(state.filters).length > 0;
  if (!state.q.trim() && !hasFilters) {
    $("pkb-results").replaceChildren();
    $("pkb-topic-hits").replaceChildren();
    $("pkb-active").replaceChildren();
    $("pkb-more").hidden = true;
    status.textContent = "输入论文简称、标题、arXiv 链接、引用键、中文或英文术语。";
    if (facetsLoaded) renderFacets((await pf.search(null, {})).filters);
    if (gen === generation) root.dataset.done = String(gen);
    return;
  }
  status.textContent = "搜索中……";
  const found = await rank(state.q, state.filters);
  if (gen !== generation) return;
  results = found.results;
  highlight = found.rewritten ? found.rewritten.highlight : [];
  shown = 0;
  $("pkb-results").replaceChildren();
  renderTopics(found.rewritten);
  renderActive();
  renderFacets(found.counts || {});
  const what = state.q.trim() ? `“${state.q.trim()}”` : "筛选条件";
  status.textContent = results.length ? `${what}：共 ${results.length} 篇论文` : `没有找到与${what}相关的论文`;
  await showMore(gen);
  if (gen === generation) root.dataset.done = String(gen);
}

async function loadFacets() {
  if (facetsLoaded) return;
  await Promise.all([pf.filters(), loadLabels()]);
  facetsLoaded = true;
  await search();
}

async function main() {
  await setup();
  const input = $("pkb-q");
  const form = root.querySelector("form");
  state = readUrl();
  input.value = state.q;
  const toggle = $("pkb-facets-toggle");
  const panel = $("pkb-facet-groups");
  const open = (yes) => { toggle.setAttribute("aria-expanded", String(yes)); panel.hidden = !yes; };
  // Open with the first search when the counts are cheap and there is room beside the results; a filtered URL opens it.
  const wide = window.matchMedia("(min-width: 60em)").matches;
  if (Object.keys(state.filters).length) await loadLabels();  // the active filters' chips name them
  if (wide && (data.facetsUpfront || Object.keys(state.filters).length)) {
    open(true);
    await Promise.all([pf.filters(), loadLabels()]);
    facetsLoaded = true;
  }
  toggle.addEventListener("click", () => {
    const yes = toggle.getAttribute("aria-expanded") !== "true";
    open(yes);
    if (yes) loadFacets();
  });
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.q = input.value; search(); }, 250);
  });
  form.addEventListener("submit", (event) => { event.preventDefault(); clearTimeout(timer); state.q = input.value; search(); });
  $("pkb-more").addEventListener("click", () => showMore(generation));
  input.focus();
  root.dataset.ready = "true";
  await search();
}

if (root) main();
