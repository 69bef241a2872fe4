"""What the toy knowledge base's golden site cannot show (tests/mutation/README.md, render): a journal paper with a DOI
and no arXiv id, a team in place of authors, a topic whose own papers are fewer than those under it, long intros,
more papers than a listing shows, and the navigation. Each knowledge base is built in process from the toy one.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from conftest import ROOT, TOY, golden

from paperkb import charts, render
from paperkb.kb import KnowledgeBase
from paperkb.repository import load_kb

NAV = ROOT / "tests" / "golden" / "nav.json"
SETTINGS = render.Settings(templates=ROOT / "templates")


def _toy() -> KnowledgeBase:
    kb, problems = load_kb(TOY)
    assert kb is not None, problems
    return kb


def _with(kb: KnowledgeBase, papers: tuple[Any, ...] = (), topics: tuple[Any, ...] | None = None) -> KnowledgeBase:
    return type(kb)(papers, kb.topics if topics is None else topics, kb.tags, kb.institutions, kb.venues, kb.glossary)


def _front(page: str) -> dict[str, Any]:
    """The page's front matter: one `key: <JSON>` line each between the `---` lines."""
    head = page.split("---\n")[1]
    return {key: json.loads(value) for key, _, value in (line.partition(": ") for line in head.splitlines())}


@pytest.fixture
def journal() -> KnowledgeBase:
    """The toy papers plus a TMLR paper with a DOI, a link, code and a team, filed under the sub-topic only."""
    kb = _toy()
    lora = kb.paper_by_id["lora"]
    paper = lora.model_copy(
        update={
            "id": "jpaper",
            "arxiv": None,
            "url": "https://example.org/paper",
            "doi": "10.5555/abc",
            "venue": "TMLR 2024",
            "year": 2024,
            "published": None,
            "authors": None,
            "team": "Example Lab",
            "topics": ["quantization"],
            "code": "owner/repo",
        }
    )
    return _with(kb, (*kb.papers, paper))


def test_a_journal_paper_is_cited_as_a_journal_with_its_doi(journal: KnowledgeBase) -> None:
    citation = _front(render.render_site(journal, SETTINGS)["papers/jpaper.md"])["pkb_citation"]
    assert ["citation_journal_title", journal.venue_by_name["TMLR"].full] in citation
    assert ["citation_doi", "10.5555/abc"] in citation
    assert ["citation_publication_date", "2024"] in citation, "no date: the year"
    assert not [name for name, _ in citation if name in ("citation_arxiv_id", "citation_conference_title")]


def test_a_conference_paper_is_cited_as_a_conference(journal: KnowledgeBase) -> None:
    citation = _front(render.render_site(journal, SETTINGS)["papers/qlora.md"])["pkb_citation"]
    assert ["citation_conference_title", journal.venue_by_name["NeurIPS"].full] in citation
    assert not [name for name, _ in citation if name in ("citation_journal_title", "citation_doi")]


def test_links_of_a_paper_without_arxiv(journal: KnowledgeBase) -> None:
    view = render.SiteRenderer(journal, SETTINGS).views["jpaper"]
    assert view.links == [
        ("论文", "https://example.org/paper"),
        ("代码", "https://github.com/owner/repo"),
        ("DOI", "https://doi.org/10.5555/abc"),
    ]
    page = render.render_site(journal, SETTINGS)["papers/jpaper.md"]
    assert '<p class="pkb-authors">Example Lab</p>' in page, "the team stands where the authors would"
    assert 'href="https://doi.org/10.5555/abc"' in page


def test_a_topic_with_papers_only_under_its_sub_topic_gets_a_page_of_its_own_papers(journal: KnowledgeBase) -> None:
    site = render.render_site(journal, SETTINGS)
    everything, own = site["topics/peft/index.md"], site["topics/peft/own.md"]
    assert _front(own)["title"] == "参数高效微调（仅本主题）"
    assert _front(everything)["title"] == "参数高效微调"
    assert "papers/jpaper/" in everything and "papers/jpaper/" not in own
    assert "papers/lora/" in own and "papers/qlora/" in own
    assert "topics/quantization/own.md" not in site, "a topic with no sub-topic has one listing"
    assert "# 参数高效微调（仅本主题）" in own and "直接归入本主题的 3 篇 · " in own and "含子主题共 4 篇" in own
    assert "只看直接归入本主题的 3 篇" in everything and "直接归入本主题的 3 篇 · " not in everything
    child = '">量化</a> <span class="pkb-muted">Quantization</span>'
    assert child in everything and child not in own, "the list of sub-topics is on the whole listing only"


def test_the_own_papers_listing_is_paginated_under_its_own_names() -> None:
    kb = _toy()
    lora = kb.paper_by_id["lora"]
    many = tuple(lora.model_copy(update={"id": f"p{i:03d}", "arxiv": None}) for i in range(render.CARDS_PER_PAGE + 1))
    child = lora.model_copy(update={"id": "child", "arxiv": None, "topics": ["quantization"]})
    pages = render.SiteRenderer(_with(kb, (*many, child)), SETTINGS).topic_pages(kb.topic_by_id["peft"])
    assert sorted(pages) == ["topics/peft/index.md", "topics/peft/own-2.md", "topics/peft/own.md", "topics/peft/page-2.md"]
    assert _front(pages["topics/peft/own-2.md"])["title"] == "参数高效微调（仅本主题）（第 2 页）"
    assert _front(pages["topics/peft/page-2.md"])["title"] == "参数高效微调（第 2 页）"


def test_a_topic_page_describes_itself_with_the_first_120_characters_of_its_intro() -> None:
    kb = _toy()
    topics = tuple(t.model_copy(update={"intro": "甲" * 100 + "乙" * 30}) if t.id == "peft" else t for t in kb.topics)
    page = render.render_site(_with(kb, kb.papers, topics), SETTINGS)["topics/peft/index.md"]
    assert _front(page)["description"] == "甲" * 100 + "乙" * 20


def test_the_stats_page_ranks_20_topics_and_15_institutions_by_count_then_name() -> None:
    kb = _toy()
    quant = kb.topic_by_id["quantization"]
    names = [f"t{i:02d}" for i in range(22)]
    # Listed in reverse, so a tie is broken by name and not by the order of the records.
    topics = (kb.topic_by_id["peft"], *(quant.model_copy(update={"id": n, "name": n}) for n in reversed(names)))
    lora = kb.paper_by_id["lora"]
    counts = {n: 1 for n in names} | {"t05": 3, "t10": 2}
    papers = []
    for n in reversed(names):  # institutions first met in reverse name order, so ties must be broken by name
        insts = [f"I{n[1:]}"] if int(n[1:]) < 17 else []
        for k in range(counts[n]):
            papers.append(lora.model_copy(update={"id": f"{n}-{k}", "arxiv": None, "topics": [n], "institutions": insts}))
    page = render.SiteRenderer(_with(kb, tuple(papers), topics), SETTINGS).stats()
    ranked = [("参数高效微调", 25), ("t05", 3), ("t10", 2), *[(n, 1) for n in names if n not in ("t05", "t10")][:17]]
    assert charts.bar_chart("各主题论文数（含子主题，前 20）", ranked) in page
    ones = [f"I{i:02d}" for i in range(17) if i not in (5, 10)]
    assert charts.bar_chart("机构论文数（前 15）", [("I05", 3), ("I10", 2), *[(i, 1) for i in ones[:13]]]) in page


def test_new_lists_the_100_newest_and_the_home_page_the_configured_number() -> None:
    kb = _toy()
    lora = kb.paper_by_id["lora"]
    many = tuple(lora.model_copy(update={"id": f"p{i:03d}", "arxiv": None}) for i in range(101))
    site = render.render_site(_with(kb, many), render.Settings(templates=ROOT / "templates", newest=7))
    assert len(set(re.findall(r"papers/(p\d{3})/", site["new.md"]))) == 100
    assert len(set(re.findall(r"papers/(p\d{3})/", site["index.md"]))) == 7


def test_navigation_is_as_reviewed(update_golden: bool) -> None:
    golden(NAV, json.dumps(render.nav(_toy()), ensure_ascii=False, indent=1) + "\n", update_golden)


def test_feeds_hold_the_configured_number_of_entries() -> None:
    site = render.render_site(_toy(), render.Settings(templates=ROOT / "templates", feed_size=1))
    assert site["feed.xml"].count("<entry>") == 1
    assert site["topics/peft/feed.xml"].count("<entry>") == 1, "peft has 2 papers"


def test_the_search_page_is_told_the_configured_shard_size() -> None:
    one = json.loads(render.render_site(_toy(), render.Settings(templates=ROOT / "templates", search_shard_pages=1))["search/terms.json"])
    usual = json.loads(render.render_site(_toy(), SETTINGS)["search/terms.json"])
    assert len(one["shards"]) == 2 and "shards" not in usual, "3 paper pages, 1 a shard: 3 bundles"


def test_csl_json_keeps_non_ascii_names_readable() -> None:
    kb = _toy()
    lora = kb.paper_by_id["lora"]
    paper = lora.model_copy(update={"id": "lk", "arxiv": None, "authors": ["Łukasz Kaiser"]})
    site = render.render_site(_with(kb, (*kb.papers, paper)), SETTINGS)
    assert '"family": "Kaiser"' in site["cite/lk.json"] and '"given": "Łukasz"' in site["cite/all.json"]


def test_a_paper_s_bibtex_follows_its_venue_s_registry_entry_across_renders() -> None:
    """Live preview renders again in the same process: an edited venue name must not be answered from the memo."""
    kb = _toy()
    first = render.render_site(kb, SETTINGS)["cite/qlora.bib"]
    venues = tuple(v.model_copy(update={"full": "Renamed Conference"}) if v.name == "NeurIPS" else v for v in kb.venues)
    renamed = type(kb)(kb.papers, kb.topics, kb.tags, kb.institutions, venues, kb.glossary)
    second = render.render_site(renamed, SETTINGS)["cite/qlora.bib"]
    assert "booktitle = {Advances in Neural Information Processing Systems}" in first
    assert "booktitle = {Renamed Conference}" in second
