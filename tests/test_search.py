"""Search on the real site in Chromium: named papers come first, both languages meet, facets narrow and live in the URL.

The query set is what a reader pastes or types: short names, titles, arXiv ids in every form people paste, DOIs,
citation keys, Chinese institution names and glossary terms in either language. The browser computes tokens and
rewrites queries in search.js; Python writes the pages' tokens (searchterms.py, searchindex.py, glossary.py): the two
are held equal here too.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import ROOT

from paperkb import glossary, searchindex, searchterms
from paperkb.repository import load_kb

pytestmark = pytest.mark.slow

# (query, paper id, rank it must reach: 1 = first)
NAMED = [
    ("Transformer", "transformer", 1),
    ("RAG", "rag", 1),
    ("CoT", "chain-of-thought", 1),
    ("BERT", "bert", 1),
    ("FLAN", "flan", 1),
    ("LoRA", "lora", 1),
    ("qlora", "qlora", 1),
    ("GPT-3", "gpt-3", 1),
    ("gpt3", "gpt-3", 1),
    ("Attention Is All You Need", "transformer", 1),
    ("attention is all you need", "transformer", 1),
    ("LoRA: Low-Rank Adaptation of Large Language Models", "lora", 1),
    ("Retrieval-Augmented Generation for Knowledge-Intensive NLP Tasks", "rag", 1),
    ("2106.09685", "lora", 1),
    ("2106.09685v2", "lora", 1),
    ("arXiv:2106.09685", "lora", 1),
    ("https://arxiv.org/abs/2106.09685", "lora", 1),
    ("https://arxiv.org/pdf/2106.09685v1.pdf", "lora", 1),
    ("arxiv.org/html/2106.09685v2", "lora", 1),
    ("arxiv.org/abs/2005.11401", "rag", 1),
    ("10.48550/arXiv.2106.09685", "lora", 1),
    ("10.18653/v1/N19-1423", "bert", 1),
    ("https://doi.org/10.18653/v1/N19-1423", "bert", 1),
    ("hu2022lora", "lora", 1),
    ("vaswani2017attention", "transformer", 1),
    ("指令微调", "flan", 5),
    ("指令微调", "self-instruct", 5),
    ("指令微调", "instructgpt", 5),
    ("instruction tuning", "flan", 5),
    ("instruction tuning", "self-instruct", 5),
    ("指令调优", "flan", 5),
    ("低秩适配", "lora", 1),
    ("low-rank adaptation", "lora", 1),
    ("思维链", "chain-of-thought", 1),
    ("chain of thought", "chain-of-thought", 1),
    ("检索增强生成", "rag", 1),
    ("retrieval-augmented generation", "rag", 1),
    ("dense retrieval", "gtr", 5),
    ("dense retrieval", "dpr", 5),
    ("稠密检索", "gtr", 5),
    ("稠密检索", "dpr", 5),
    ("人类反馈强化学习", "instructgpt", 5),
    ("混合专家", "switch-transformer", 5),
]


def _ranked(visit: Any, base_url: str, query: str) -> list[str]:
    visit.search(base_url, query)
    urls = visit.page.evaluate("async q => (await window.pkbRank(q)).map(d => d.url)", query)
    return [u.rstrip("/").rsplit("/", 1)[-1] for u in urls]


@pytest.mark.parametrize(("query", "paper", "rank"), NAMED, ids=[f"{q}->{p}" for q, p, _ in NAMED])
def test_named_query_puts_the_paper_near_the_top(visit: Any, base_url: str, query: str, paper: str, rank: int) -> None:
    ranked = _ranked(visit, base_url, query)
    assert paper in ranked[:rank], f"{query!r}: {paper} not in the first {rank}: {ranked[:8]}"
    # The page shows the same order the ranking gives.
    shown = visit.page.locator(".pkb-result-link").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert [u.rstrip("/").rsplit("/", 1)[-1] for u in shown] == ranked[: len(shown)]
    assert len(shown) == min(10, len(ranked))


@pytest.mark.parametrize(
    ("query", "institution"),
    [("微软", "Microsoft"), ("Microsoft Research", "Microsoft"), ("谷歌", "Google"), ("清华", "Tsinghua University")],
)
def test_an_institution_in_either_language_lists_its_papers_first(visit: Any, base_url: str, query: str, institution: str) -> None:
    kb, _ = load_kb(ROOT)
    assert kb is not None
    own = {p.id for p in kb.papers if institution in p.institutions}
    ranked = _ranked(visit, base_url, query)
    assert own and set(ranked[: len(own)]) == own, ranked[: len(own) + 3]


def test_only_paper_pages_are_results_and_topics_are_a_separate_group(visit: Any, base_url: str) -> None:
    visit.search(base_url, "检索增强生成")
    hrefs = visit.page.locator(".pkb-result-link").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all("/papers/" in h for h in hrefs), hrefs
    topics = visit.page.locator("#pkb-topic-hits a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert any(t.endswith("/topics/rag/") for t in topics), topics


def test_an_identifier_that_names_nothing_finds_nothing(visit: Any, base_url: str) -> None:
    """Pagefind falls back to the longest indexed prefix for an unknown term; an identifier nobody has must not match."""
    for query in ("9999.99999", "arxiv.org/abs/2401.99999v2", "10.9999/none", "https://doi.org/10.18653/v1/none"):
        assert _ranked(visit, base_url, query) == [], query


def test_result_cards_show_name_facts_title_tldr_once_and_marks(visit: Any, base_url: str) -> None:
    visit.search(base_url, "LoRA")
    first = visit.page.locator(".pkb-result").first
    assert first.locator(".pkb-result-short").inner_text() == "LoRA"
    facts = first.locator(".pkb-result-facts").inner_text()
    assert "2021" in facts and "ICLR 2022" in facts
    assert first.locator(".pkb-result-title").inner_text().startswith("LoRA: Low-Rank Adaptation")
    assert first.locator(".pkb-result-topics").inner_text() == "参数高效微调"
    text = first.inner_text()
    tldr = first.locator(".pkb-result-tldr").inner_text()
    assert text.count(tldr[:20]) == 1 and "Tldr" not in text
    assert first.locator("mark").count() >= 2  # the query in the short name and the title
    # Ten results before paging, then ten more.
    visit.search(base_url, "模型")
    assert visit.page.locator(".pkb-result").count() == 10
    visit.page.locator("#pkb-more").click()
    visit.page.wait_for_function("document.querySelectorAll('.pkb-result').length > 10")


def test_facets_narrow_combine_show_counts_and_survive_a_reload(visit: Any, base_url: str) -> None:
    kb, _ = load_kb(ROOT)
    assert kb is not None
    rag = {p.id for p in kb.papers_under("rag")}
    visit.search(base_url, "检索", topic="rag", year="2023")
    assert "topic=rag" in visit.page.url and "year=2023" in visit.page.url
    ranked = _ranked(visit, base_url, "检索")  # unfiltered, for comparison
    visit.search(base_url, "检索", topic="rag", year="2023")
    urls = visit.page.evaluate("async () => (await window.pkbRank('检索', {topic: ['rag'], year: ['2023']})).map(d => d.url)")
    ids = [u.rstrip("/").rsplit("/", 1)[-1] for u in urls]
    assert ids and set(ids) <= rag and all(kb.paper_by_id[i].year == 2023 for i in ids)
    assert len(ids) < len(ranked)
    # The checked boxes come from the URL; each facet value shows a count.
    assert visit.page.locator("input[name=topic][value=rag]").is_checked()
    assert visit.page.locator("input[name=year][value='2023']").is_checked()
    year_count = visit.page.locator("input[name=year][value='2023'] ~ .pkb-count").inner_text()
    assert int(year_count) == len(ids)
    # Unchecking a facet widens the result and updates the URL.
    visit.page.locator("input[name=year][value='2023']").uncheck()
    visit.page.wait_for_function("!location.search.includes('year=')")
    visit.page.reload()
    visit.page.wait_for_selector("[data-pkb-search][data-done]")
    assert not visit.page.locator("input[name=year][value='2023']").is_checked()
    assert visit.page.locator("input[name=topic][value=rag]").is_checked()


def test_filters_alone_list_a_facet_and_list_pages_open_them(visit: Any, base_url: str) -> None:
    kb, _ = load_kb(ROOT)
    assert kb is not None
    visit.page.goto(base_url + "indexes/years/2023/")
    form = visit.page.locator("form.pkb-filter-form")
    form.locator("select[name=topic]").select_option("rag")
    form.locator("button[type=submit]").click()
    visit.page.wait_for_selector("[data-pkb-search][data-done]")
    assert "year=2023" in visit.page.url and "topic=rag" in visit.page.url
    expected = {p.id for p in kb.papers_under("rag") if p.year == 2023}
    shown = visit.page.locator("#pkb-status").inner_text()
    assert f"共 {len(expected)} 篇" in shown, shown


def test_browser_tokens_and_rewriting_equal_the_index_side(visit: Any, base_url: str) -> None:
    kb, _ = load_kb(ROOT)
    assert kb is not None
    visit.search(base_url)
    for text in (
        "Transformer-XL",
        "GPT-3",
        "LoRA: Low-Rank Adaptation",
        "2106.09685",
        "hep-th/9901001",
        "10.18653/v1/N19-1423",
        "Łukasz 注意力",
    ):
        assert visit.page.evaluate("q => window.pkbIdentity(q)", text) == searchterms.identity_token(text), text
    assert visit.page.evaluate("q => window.pkbIdentity(q)", "https://arxiv.org/abs/2106.09685v3") == searchterms.identity_token(
        "2106.09685"
    )
    concepts = {c.key: c for c in glossary.concepts(kb.glossary, kb.institutions)}
    for query, key in (("指令微调", "g:instruction-tuning"), ("Instruction-Tuning", "g:instruction-tuning"), ("微软", "i:Microsoft")):
        assert visit.page.evaluate("q => window.pkbRewrite(q)", query) == concepts[key].token
    # The page makes every concept's token itself from the compact table: each equals the index side's.
    queries = [c.zh[0] if c.zh else c.en[0] for c in concepts.values()]
    rewritten = visit.page.evaluate("qs => Promise.all(qs.map((q) => window.pkbRewrite(q)))", queries)
    assert [r for r, c in zip(rewritten, concepts.values(), strict=True) if r != c.token] == []
    # A longer run stays one phrase (its pairs, less the common ones its neighbours hold); a space makes the concept a
    # term of its own.
    common = json.loads(searchindex.client_data(kb))["commonPairs"]
    assert len(common) >= 20 and "模型" in {common[i : i + 2] for i in range(0, len(common), 2)}
    for run in ("指令微调数据", "思维链推理", "长文本推理能力", "大模型训练数据的质量", "模型训练模型"):
        want = " ".join(dict.fromkeys(searchterms.query_pairs(run, common)))  # the page sends a repeated pair once
        assert visit.page.evaluate("q => window.pkbRewrite(q)", run) == want, run
    assert len(searchterms.query_pairs("大模型训练数据的质量", common)) < len(searchterms.cjk_bigrams(["大模型训练数据的质量"]).split())
    spaced = visit.page.evaluate("q => window.pkbRewrite(q)", "指令微调 数据")
    assert spaced == concepts["g:instruction-tuning"].token + " " + searchterms.cjk_bigrams(["数据"])


def test_a_concept_query_lists_the_glossarys_defining_papers_first_in_its_order(visit: Any, base_url: str) -> None:
    """`registry/glossary.yaml` names, per concept, the papers a reader means by it; either language lists them first."""
    kb, _ = load_kb(ROOT)
    assert kb is not None
    listed = [e for e in kb.glossary if e.papers]
    assert len(listed) >= 10
    for entry in listed:
        for query in (entry.zh[0], entry.en[0]):
            ranked = _ranked(visit, base_url, query)
            assert ranked[: len(entry.papers)] == entry.papers, (query, ranked[:6])
    # Filters still apply: a year none of them has leaves only the others.
    flan_year = str(next(p.year for p in kb.papers if p.id == "flan"))
    visit.search(base_url, "指令微调", year=flan_year)
    urls = visit.page.evaluate("async y => (await window.pkbRank('指令微调', {year: [y]})).map(d => d.url)", flan_year)
    ids = [u.rstrip("/").rsplit("/", 1)[-1] for u in urls]
    assert ids[0] == "flan" and all(next(p.year for p in kb.papers if p.id == i) == int(flan_year) for i in ids), ids


def test_on_a_phone_a_filtered_link_shows_its_filters_above_the_results(browser: Any, base_url: str) -> None:
    from sitetools import Visit

    v = Visit(browser, viewport={"width": 390, "height": 844}, is_mobile=True)
    v.search(base_url, "检索", topic="rag", year="2023")
    assert v.page.locator("#pkb-facet-groups").is_hidden()  # the panel starts closed; the results come first
    chips = v.page.locator(".pkb-active-filter")
    assert chips.count() == 2 and "检索增强生成" in chips.first.inner_text()
    before = v.page.locator("#pkb-status").inner_text()
    v.page.locator(".pkb-active-filter", has_text="2023").click()
    v.page.wait_for_function("!location.search.includes('year=')")
    v.page.wait_for_function(f"document.querySelector('#pkb-status').textContent !== {before!r}")
    assert v.page.locator(".pkb-active-filter").count() == 1
    assert v.foreign() == [] and v.errors == []
    v.close()


def test_result_cards_come_from_the_small_card_files_not_pagefinds_fragments(visit: Any, base_url: str) -> None:
    """A fragment holds the page's whole indexed text (~4.5 KB gzip a paper); a card file only what the card shows."""
    visit.search(base_url, "LoRA")
    cards = [u for u in visit.requests if "/search/cards/" in u]
    assert len(cards) == visit.page.locator(".pkb-result").count() >= 1
    assert not [u for u in visit.requests if "/pagefind/fragment/" in u]
    assert visit.page.locator(".pkb-result-short").first.inner_text() == "LoRA"


def test_facet_labels_load_with_the_facets_not_with_every_first_search(browser: Any, base_url: str) -> None:
    from sitetools import Visit

    v = Visit(browser, viewport={"width": 390, "height": 844}, is_mobile=True)  # no room: facets wait for the button
    v.search(base_url, "微软")
    assert not [u for u in v.requests if u.endswith("/search/labels.json")]
    v.page.locator("#pkb-facets-toggle").click()
    v.page.wait_for_function("[...document.querySelectorAll('.pkb-facet-name')].some(e => e.textContent.includes('（微软）'))")
    assert [u for u in v.requests if u.endswith("/search/labels.json")]
    # A filtered URL names its filters in the chips, so it loads the labels at once.
    v.search(base_url, "检索", institution="Microsoft")
    v.page.wait_for_function("[...document.querySelectorAll('.pkb-active-filter')].some(e => e.textContent.includes('（微软）'))")
    assert v.errors == []
    v.close()


@pytest.mark.parametrize("term", ["数据合成", "文本嵌入", "text embedding", "基础模型"])
def test_pages_that_use_the_very_term_come_before_those_that_use_another_of_its_concept(visit: Any, base_url: str, term: str) -> None:
    """A concept query still finds every page of the concept, in either language; the pages whose notes or own title
    use the very term lead."""
    from paperkb.searchindex import _note_texts, matcher

    kb, _ = load_kb(ROOT)
    assert kb is not None
    m = matcher(kb)
    literal, concept = set(), set()
    for p in kb.papers:
        for (_key, said), _ in m.count_terms([*_note_texts(p), p.title, p.short_name, p.title_zh or ""]).items():
            concept.add(p.id)
            if said == searchterms.normalise(term):
                literal.add(p.id)
    entry = next(e for e in kb.glossary if searchterms.normalise(term) in {searchterms.normalise(t) for t in (*e.zh, *e.en)})
    assert not entry.papers and 1 <= len(literal) <= 12
    ranked = _ranked_all(visit, base_url, term)
    assert set(ranked[: len(literal)]) == literal, (ranked[: len(literal) + 2], sorted(literal))
    assert len(ranked) > len(literal)  # ... and then the pages that name the concept otherwise


def _ranked_all(visit: Any, base_url: str, query: str) -> list[str]:
    visit.search(base_url, query)
    urls = visit.page.evaluate("async q => (await window.pkbRank(q, {}, 50)).map(d => d.url)", query)
    return [u.rstrip("/").rsplit("/", 1)[-1] for u in urls]
