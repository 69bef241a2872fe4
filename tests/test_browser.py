"""The built site in a real browser: Debian's Chromium driven by Playwright, served on localhost only."""

from __future__ import annotations

from typing import Any

import pytest
from sitetools import Visit

pytestmark = pytest.mark.slow


def test_home_shows_counts_topics_and_newest(visit: Visit, base_url: str) -> None:
    visit.page.goto(base_url)
    assert "paperkb" in visit.page.title()
    assert visit.page.locator(".pkb-topic-tile").count() >= 10
    assert visit.page.locator(".pkb-counts").inner_text().count("篇论文") == 1
    assert visit.page.locator("a[href$='feed.xml']").count() >= 1


def test_topic_page_shows_cards(visit: Visit, base_url: str) -> None:
    visit.page.goto(base_url + "topics/peft/")
    cards = visit.page.locator(".pkb-card")
    assert cards.count() >= 5
    names = cards.locator(".pkb-card-name").all_inner_texts()
    assert "LoRA" in names and "QLoRA" in names
    visit.page.locator(".pkb-card-name a", has_text="QLoRA").first.click()
    assert visit.page.url.endswith("/papers/qlora/")


def test_paper_page_notes_and_bibtex_copy(browser: Any, base_url: str) -> None:
    v = Visit(browser, permissions=["clipboard-read", "clipboard-write"])
    v.page.goto(base_url + "papers/lora/")
    assert v.page.locator("h1").inner_text().startswith("LoRA: Low-Rank Adaptation")
    for heading in ("动机", "方法", "结果", "引用"):
        assert v.page.locator("h2", has_text=heading).count() == 1
    v.page.locator(".pkb-copy[data-copy^='bibtex']").click()
    v.page.wait_for_function("document.querySelector(\".pkb-copy[data-copy^='bibtex']\").textContent === '已复制'")
    copied = v.page.evaluate("navigator.clipboard.readText()")
    assert copied.lstrip().startswith("@") and "2106.09685" in copied
    assert v.foreign() == [] and v.errors == []
    v.close()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("低秩", ("LoRA",)),
        ("检索增强", ("Retrieval", "Augmented")),  # a Chinese query finds English-titled RAG papers
        ("注意力", ("Atten",)),  # an attention paper; which one must rank first is the named-query set's job
        ("LoRA", ("LoRA",)),
        ("QLoRA", ("QLoRA",)),
    ],
)
def test_search_in_chinese_and_english(visit: Visit, base_url: str, query: str, expected: tuple[str, ...]) -> None:
    visit.page.goto(base_url + "search/?q=" + query)
    results = visit.page.locator(".pkb-result")
    results.first.wait_for(timeout=15000)
    titles = results.all_inner_texts()
    assert any(all(part in t for part in expected) for t in titles[:5]), titles[:10]


def test_dark_mode_toggle(visit: Visit, base_url: str) -> None:
    visit.page.goto(base_url)
    before = visit.page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    visit.page.locator("label.md-header__button[for='__palette_1']").click()
    after = visit.page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert {before, after} == {"default", "slate"}


@pytest.mark.parametrize("path", ["", "topics/peft/", "papers/lora/", "indexes/years/", "stats/"])
def test_phone_width_has_no_horizontal_scroll(browser: Any, base_url: str, path: str) -> None:
    v = Visit(browser, viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    v.page.goto(base_url + path)
    width = v.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{path} is {width}px wide on a 390px phone"
    assert v.foreign() == [] and v.errors == []
    v.close()


def test_institution_search_returns_that_institutions_papers(visit: Visit, base_url: str) -> None:
    from conftest import ROOT

    from paperkb.repository import load_kb

    kb, _ = load_kb(ROOT)
    assert kb is not None
    microsoft = {p.id for p in kb.papers if "Microsoft" in p.institutions}
    visit.page.goto(base_url + "search/?q=Microsoft")
    visit.page.wait_for_selector("[data-pkb-search][data-done]")
    hrefs = visit.page.evaluate("async q => (await window.pkbRank(q)).map(d => d.url)", "Microsoft")
    papers = [h.rstrip("/").rsplit("/", 1)[-1] for h in hrefs if "/papers/" in h]
    # Microsoft's own papers first (every one of them); after them, papers whose notes mention Microsoft or 微软.
    assert len(papers) == len(hrefs) and set(papers[: len(microsoft)]) == microsoft, hrefs


def test_search_page_rewrites_a_query_exactly_as_pages_are_indexed(visit: Visit, base_url: str) -> None:
    """search.js's pkbTerms and searchterms.cjk_bigrams must agree token for token, or Chinese search finds nothing."""
    from paperkb.searchterms import cjk_bigrams

    visit.page.goto(base_url + "search/")
    visit.page.wait_for_selector("[data-pkb-search][data-done]")
    for query in ("注意力机制", "低秩", "检索增强生成"):
        assert visit.page.evaluate("q => window.pkbTerms(q)", query) == cjk_bigrams([query])
    assert visit.page.evaluate("q => window.pkbTerms(q)", "LoRA 微调") == "LoRA " + cjk_bigrams(["微调"])
