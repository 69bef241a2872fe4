"""The paths a new reader takes, in Chromium on the real site: reaching search, the topic tree, paper pages, formulas,
what a page view downloads, and the 404 page."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import ROOT
from sitetools import Visit, parse, serve

from paperkb.repository import load_kb

pytestmark = pytest.mark.slow

PAGE_TYPES = ["", "topics/", "topics/rag/", "papers/lora/", "papers/", "indexes/years/2023/", "authors/edward-j-hu/", "stats/", "new/"]


def _kb() -> Any:
    kb, _ = load_kb(ROOT)
    assert kb is not None
    return kb


# ---- 3. reach ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_every_page_has_the_header_search_box(visit: Visit, base_url: str, path: str) -> None:
    visit.page.goto(base_url + path)
    form = visit.page.locator("header form.pkb-header-search")
    assert form.count() == 1 and form.locator("input[name=q]").is_visible()
    action = form.get_attribute("action") or ""
    assert urlsplit(visit.page.url).path.count("/") >= 1 and action.rstrip("/").endswith("search"), action


def test_slash_focuses_the_header_box_and_enter_opens_the_search_page(visit: Visit, base_url: str) -> None:
    visit.page.goto(base_url + "papers/lora/")
    visit.page.keyboard.press("/")
    assert visit.page.evaluate("document.activeElement.id") == "pkb-header-q"
    visit.page.keyboard.type("QLoRA")
    visit.page.keyboard.press("Enter")
    visit.page.wait_for_selector("[data-pkb-search][data-done]")
    assert urlsplit(visit.page.url).path.endswith("/search/") and "q=QLoRA" in visit.page.url
    assert visit.page.locator(".pkb-result-short").first.inner_text() == "QLoRA"
    # The search page focuses its own box, and `/` there goes to it too.
    assert visit.page.evaluate("document.activeElement.id") == "pkb-q"
    visit.page.locator("h1").click()
    visit.page.keyboard.press("/")
    assert visit.page.evaluate("document.activeElement.id") == "pkb-q"


def test_slash_typed_into_a_box_stays_text(visit: Visit, base_url: str) -> None:
    visit.page.goto(base_url)
    visit.page.locator(".pkb-home-search input").click()
    visit.page.keyboard.type("a/b")
    assert visit.page.locator(".pkb-home-search input").input_value() == "a/b"


_FOCUS = """() => {
  const e = document.activeElement;
  const shown = (n) => { const r = n.getBoundingClientRect(); const s = getComputedStyle(n);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && Number(s.opacity) > 0; };
  const ring = (n) => { const s = getComputedStyle(n);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; };
  // Material's colour toggle is a zero-size radio whose label is drawn, and ringed, instead.
  const target = e.classList.contains('md-option') ? e.nextElementSibling : e;
  return {what: e.tagName + '#' + e.id + '.' + e.className, shown: !!target && shown(target), ring: !!target && ring(target)};
}"""


@pytest.mark.parametrize("path", ["", "papers/lora/", "search/?q=LoRA"])
def test_every_tab_stop_is_visible_and_ringed(visit: Visit, base_url: str, path: str) -> None:
    visit.page.goto(base_url + path)
    if path.startswith("search"):
        visit.page.wait_for_selector("[data-pkb-search][data-done]")
        visit.page.locator("h1").click()
    for _ in range(30):
        visit.page.keyboard.press("Tab")
        stop = visit.page.evaluate(_FOCUS)
        if not stop["shown"]:
            visit.page.wait_for_timeout(400)  # Material's skip link fades in when focused
            stop = visit.page.evaluate(_FOCUS)
        assert stop["shown"], f"invisible tab stop: {stop['what']}"
        assert stop["ring"], f"no focus ring: {stop['what']}"


# ---- 4. topics -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["topics/peft/", "papers/lora/", ""])
def test_every_topic_is_in_the_menu_of_every_page(real_site: Path, path: str) -> None:
    kb = _kb()
    page = parse(real_site / path / "index.html")
    links = {a.get("href", "") for tag, a in page.tags if tag == "a" and "md-nav__link" in (a.get("class") or "")}
    resolved = {urlsplit("http://x/" + path).path.rstrip("/") + "/" + (h or "") for h in links}
    targets = {Path("/" + p).resolve().as_posix().rstrip("/") for p in (urlsplit(x).path for x in resolved)}
    missing = [t.id for t in kb.topics if f"/topics/{t.id}" not in targets]
    assert not missing, missing


def test_the_phone_drawer_shows_every_topic(browser: Any, base_url: str) -> None:
    kb = _kb()
    v = Visit(browser, viewport={"width": 390, "height": 844}, is_mobile=True)
    v.page.goto(base_url + "papers/lora/")
    v.page.locator("header label[for='__drawer']").click()
    drawer = v.page.locator(".md-nav--primary").first

    def expand(href_end: str) -> None:
        toggle = drawer.locator(f".md-nav__container:has(> a[href$='{href_end}']) > label").first
        toggle.click()
        v.page.wait_for_timeout(350)

    expand("topics/")
    for topic in kb.topics:
        link = drawer.locator(f"a.md-nav__link[href$='topics/{topic.id}/']").first
        for parent in kb.topic_path(topic.id)[:-1]:  # open the sub-trees on the way
            if not link.is_visible():
                expand(f"topics/{parent.id}/")
        assert link.is_visible(), topic.id
    assert drawer.locator("a.md-nav__link", has_text="预训练与基座模型").first.is_visible()
    v.close()


def test_the_topics_section_opens_the_whole_tree(visit: Visit, base_url: str) -> None:
    kb = _kb()
    visit.page.goto(base_url)
    section = visit.page.locator(".md-nav--primary a.md-nav__link[href$='topics/']").first
    assert section.inner_text().strip() == "主题"
    section.click()
    assert urlsplit(visit.page.url).path.endswith("/topics/")
    rows = visit.page.locator(".pkb-topic-row")
    assert rows.count() == len(kb.topics)
    for topic in kb.topics:
        row = visit.page.locator(".pkb-topic-row", has=visit.page.locator(f"a[href$='{topic.id}/']"))
        assert f"{len(kb.papers_under(topic.id))} 篇" in row.first.inner_text(), topic.id
        assert row.first.locator(".pkb-topic-summary").inner_text().strip(), topic.id


def test_one_count_rule_home_topic_page_stats_and_bib(visit: Visit, base_url: str, real_site: Path) -> None:
    kb = _kb()
    parent = max((t for t in kb.topics if kb.children.get(t.id)), key=lambda t: len(kb.papers_under(t.id)))
    n = len(kb.papers_under(parent.id))
    visit.page.goto(base_url)
    assert f"{n} 篇" in visit.page.locator(".pkb-topic-tile", has_text=parent.name).first.inner_text()
    visit.page.goto(base_url + f"topics/{parent.id}/")
    head = visit.page.locator(".pkb-topic-count").inner_text()
    assert f"共 {n} 篇" in head and f"BibTeX（{n} 篇）" in head
    cards = visit.page.locator(".pkb-card").count()
    pages = visit.page.locator(".pkb-pager a").count() + 1
    assert cards == min(n, 40) and pages == -(-n // 40)
    # Papers filed under a sub-topic say which one; the own-only listing holds the rest.
    assert visit.page.locator(".pkb-card-where").count() >= 1
    own = len(kb.papers_by_topic[parent.id])
    visit.page.locator(".pkb-topic-count a", has_text="只看").click()
    assert visit.page.locator(".pkb-card").count() == min(own, 40)
    bib = (real_site / "cite" / "topics" / f"{parent.id}.bib").read_text(encoding="utf-8")
    assert bib.count("\n@") + bib.startswith("@") == n
    stats = (real_site / "stats" / "index.html").read_text(encoding="utf-8")
    assert re.search(rf">{re.escape(parent.name)}</text>.*?class=\"pkb-chart-value\">{n}</text>", stats)


def test_the_list_of_every_paper(visit: Visit, base_url: str) -> None:
    kb = _kb()
    visit.page.goto(base_url + "papers/")
    assert f"共 {len(kb.papers)} 篇" in visit.page.locator("article").inner_text()
    assert visit.page.locator(".pkb-rows tbody tr").count() == min(150, len(kb.papers))
    assert visit.page.locator("form.pkb-filter-form select[name=year]").count() == 1


# ---- 5. paper pages -------------------------------------------------------------------------------------------------------


def test_paper_page_arxiv_id_lineage_and_authors(browser: Any, base_url: str) -> None:
    v = Visit(browser, permissions=["clipboard-read", "clipboard-write"])
    v.page.goto(base_url + "papers/lora/")
    assert v.page.locator("#arxiv-id").inner_text() == "2106.09685"
    v.page.locator(".pkb-copy[data-copy='arxiv-id']").click()
    v.page.wait_for_function("document.querySelector(\".pkb-copy[data-copy='arxiv-id']\").textContent === '已复制'")
    assert v.page.evaluate("navigator.clipboard.readText()") == "2106.09685"
    builds_on = v.page.locator(".pkb-builds-on a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    followed = v.page.locator(".pkb-followed-by a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert any(h.endswith("gpt-3/") for h in builds_on) and not any(h.endswith("qlora/") for h in builds_on)
    assert any(h.endswith("qlora/") for h in followed)
    v.page.locator(".pkb-authors a", has_text="Edward J. Hu").click()
    assert urlsplit(v.page.url).path.endswith("/authors/edward-j-hu/")
    assert v.page.locator(".pkb-rows a", has_text="LoRA").count() >= 1
    assert v.foreign() == [] and v.errors == []
    v.close()


def test_every_author_page_lists_exactly_that_names_papers(real_site: Path) -> None:
    kb = _kb()
    from paperkb.listpages import author_slugs

    slugs = author_slugs(kb)
    assert len(set(slugs.values())) == len(slugs)
    for name, slug in list(slugs.items())[:: max(1, len(slugs) // 40)]:
        text = parse(real_site / "authors" / slug / "index.html").all_text
        assert name in text
        for p in kb.papers:
            assert (p.short_name in text) or name not in (p.authors or []), (name, p.id)


# ---- 6. formulas ----------------------------------------------------------------------------------------------------------

_COMMAND = re.compile(r"\\[A-Za-z]+")


@pytest.mark.parametrize("paper", ["lora", "transformer"])
def test_formulas_are_mathml_with_no_latex_left(visit: Visit, base_url: str, paper: str) -> None:
    visit.page.goto(base_url + f"papers/{paper}/")
    assert visit.page.locator(".pkb-notes math, .pkb-tldr math").count() >= 1
    text = visit.page.locator("article").inner_text()
    body = text.split("引用")[0]  # the BibTeX block may legitimately hold LaTeX
    assert not _COMMAND.search(body), _COMMAND.findall(body)[:5]
    # Rendered as maths: the browser lays out <math> with its own boxes, not as a line of source text.
    box = visit.page.locator(".pkb-notes math").first.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0


def test_no_paper_page_shows_latex_commands(real_site: Path) -> None:
    kb = _kb()
    for p in kb.papers:
        html = (real_site / "papers" / p.id / "index.html").read_text(encoding="utf-8")
        for block in re.findall(r'<span class="pkb-math">(.*?)</span>', html, re.S):
            assert block.startswith("<math"), (p.id, block[:80])


# ---- 8. weight -------------------------------------------------------------------------------------------------------------

_GROWS = ("sitemap.xml", "feed.xml", "papers.json", "/cite/all.", "search/terms.json")


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_a_page_view_fetches_nothing_that_grows_with_the_collection(visit: Visit, base_url: str, path: str) -> None:
    visit.page.goto(base_url + path, wait_until="networkidle")
    grows = [u for u in visit.requests if any(g in u for g in _GROWS) or "/pagefind/" in u]
    assert grows == [], grows


@pytest.mark.parametrize("query", ["检索增强生成", "speculative decoding", "LoRA"])
def test_a_first_search_fetches_at_most_300_kb(browser: Any, base_url: str, query: str) -> None:
    v = Visit(browser)
    sizes: dict[str, int] = {}
    v.page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())) if r.ok and r.request.method == "GET" else None)
    v.page.goto(base_url + "search/?q=" + query)
    v.page.wait_for_selector("[data-pkb-search][data-done]")
    v.page.wait_for_load_state("networkidle")
    search = {u: n for u, n in sizes.items() if "/pagefind/" in u or "/search/" in u or u.endswith("/assets/search.js")}
    assert any(u.endswith(".pf_index") for u in search) and any("/search/cards/" in u for u in search)
    # Cards come from their own small files (searchcards.py), not from the fragments with the pages' whole text.
    assert not any(u.endswith(".pf_fragment") for u in search)
    assert sum(search.values()) <= 300 * 1024, sorted(search.items(), key=lambda kv: -kv[1])[:8]
    assert not any("sitemap.xml" in u for u in sizes)
    v.close()


# ---- 9. the 404 page ------------------------------------------------------------------------------------------------------


def test_the_404_page_is_chinese_with_search_and_ways_back(browser: Any, real_site: Path) -> None:
    base_path = urlsplit(yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]).path.strip("/")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / base_path).symlink_to(real_site)  # served where site_url says, as a host serves it
        with serve(Path(tmp)) as base:
            v = Visit(browser)
            v.page.goto(f"{base}{base_path}/no/such/page/")  # http.server's own 404; then the site's page itself
            v.page.goto(f"{base}{base_path}/404.html")
            assert "找不到" in v.page.locator("h1").inner_text()
            v.page.locator("#pkb-404-q").fill("LoRA")
            v.page.keyboard.press("Enter")
            v.page.wait_for_selector("[data-pkb-search][data-done]")
            assert v.page.locator(".pkb-result-short").first.inner_text() == "LoRA"
            v.page.go_back()
            for label, end in (("首页", f"/{base_path}/"), ("全部主题", f"/{base_path}/topics/")):
                link = v.page.locator(".pkb-404-links a", has_text=label)
                assert link.evaluate("a => new URL(a.href).pathname") == end
            v.page.locator(".pkb-404-links a", has_text="全部主题").click()
            assert v.page.locator(".pkb-topic-row").count() > 10
            assert v.foreign() == []
            v.close()
