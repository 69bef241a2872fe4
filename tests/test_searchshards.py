"""Pagefind's index in shards (searchshards.py): bounded indexing memory, and the same search for the reader.

The pure parts are tested directly. The real collection is then built a second time with shards of 200 pages (three
shards) and searched in Chromium beside the one-index site: every query finds the same papers with the same filter
counts, and the named papers stay where `tests/test_search.py` requires them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from paperkb import build, searchindex, searchshards
from paperkb.repository import load_kb

# ---- the pure parts ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("pages", "per", "count"), [(0, 10, 1), (1, 10, 1), (10, 10, 1), (11, 10, 2), (30, 10, 3), (31, 10, 4)])
def test_a_shard_never_holds_more_than_its_pages(pages: int, per: int, count: int) -> None:
    assert searchshards.shard_count(pages, per) == count


def test_a_shard_holds_at_least_one_page() -> None:
    with pytest.raises(ValueError, match="at least one page"):
        searchshards.shard_count(5, 0)


def test_the_split_is_sorted_complete_and_balanced() -> None:
    pages = [f"papers/p{i:03d}/index.html" for i in range(11)][::-1]
    parts = searchshards.split(pages, 3)
    assert [len(p) for p in parts] == [3, 4, 4]
    assert [x for part in parts for x in part] == sorted(pages)


def test_the_first_bundle_is_pagefinds_own_folder() -> None:
    assert searchshards.bundle_dirs(1) == ["pagefind"]
    assert searchshards.bundle_dirs(3) == ["pagefind", "pagefind/shard/1", "pagefind/shard/2"]


def test_only_marked_paper_pages_are_indexed_and_links_are_not_followed(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for rel, text in {
        "papers/a/index.html": "<div data-pagefind-body>a</div>",
        "papers/b/index.html": "<div>not marked</div>",
        "papers/index.html": "<div data-pagefind-body>the listing is not in papers/*/</div>",
        "topics/t/index.html": "<div data-pagefind-body>not a paper page</div>",
    }.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text)
    outside = tmp_path / "outside.html"
    outside.write_text("<div data-pagefind-body>secret</div>")
    (site / "papers" / "c").mkdir()
    (site / "papers" / "c" / "index.html").symlink_to(outside)
    assert searchshards.indexed_pages(site) == ["papers/a/index.html"]
    dest = tmp_path / "scratch"
    dest.mkdir()
    searchshards.link_pages(site, ["papers/a/index.html"], dest)
    assert (dest / "papers" / "a" / "index.html").read_text() == "<div data-pagefind-body>a</div>"
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()) == ["papers/a/index.html"]


def test_the_search_table_lists_shards_only_when_there_are_several() -> None:
    kb, _ = load_kb(ROOT)
    assert kb is not None
    assert "shards" not in json.loads(searchindex.client_data(kb))
    n = len(kb.papers)
    assert "shards" not in json.loads(searchindex.client_data(kb, n))
    assert json.loads(searchindex.client_data(kb, n - 1))["shards"] == ["pagefind/shard/1"]


@pytest.mark.parametrize("value", [0, -3, "200", 2.5, True, None])
def test_the_shard_size_setting_must_be_a_positive_whole_number(value: object) -> None:
    with pytest.raises(build.BuildFailed, match=r"extra\.search_shard_pages must be a whole number"):
        build.shard_pages(value)


# ---- the real collection in three shards ---------------------------------------------------------------------------

SHARD = 200


@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sitetools import build_site, copy_project

    project = copy_project(tmp_path_factory.mktemp("sharded") / "project", ROOT, ROOT)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\nextra:\n" in text
    config.write_text(text.replace("\nextra:\n", f"\nextra:\n  search_shard_pages: {SHARD}\n", 1), encoding="utf-8")
    return build_site(project, project / "site")


def _entry(bundle: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return data


@pytest.mark.slow
def test_every_paper_is_in_exactly_one_shard_of_at_most_the_set_size(sharded_site: Path) -> None:
    kb, _ = load_kb(ROOT)
    assert kb is not None
    bundles = build.search_shards(sharded_site)
    assert len(bundles) == searchshards.shard_count(len(kb.papers), SHARD) == 3
    counts = [_entry(sharded_site / b)["languages"]["zh"]["page_count"] for b in bundles]
    assert sum(counts) == len(kb.papers) and max(counts) <= SHARD
    fragments = [p.stem for b in bundles for p in (sharded_site / b / "fragment").glob("*.pf_fragment")]
    assert len(fragments) == len(set(fragments)) == len(kb.papers)
    cards = {p.stem for p in (sharded_site / "search" / "cards").glob("*.json")}
    assert cards == set(fragments)
    urls = {json.loads((sharded_site / "search" / "cards" / f"{c}.json").read_text())["url"] for c in cards}
    assert urls == {f"/papers/{p.id}/" for p in kb.papers}
    # Nothing left beside the site: the hard-link folders are removed after each run.
    assert [p.name for p in sharded_site.parent.iterdir() if p.name.startswith(".pagefind-pages")] == []


# (query, leading places that exact look-ups fix: an identity, or a concept's defining papers)
EXACT = [
    ("LoRA", 1),
    ("2106.09685", 1),
    ("hu2022lora", 1),
    ("Attention Is All You Need", 1),
    ("指令微调", 4),
    ("instruction tuning", 4),
    ("稠密检索", 3),
]
QUERIES = [
    *(q for q, _ in EXACT),
    "思维链推理",
    "检索增强生成",
    "微软",
    "speculative decoding",
    "reward model",
    "混合专家",
    "长上下文",
    "agent",
]


def _results(visit: Any, url: str, query: str, **filters: str) -> tuple[list[str], int]:
    visit.search(url, query, **filters)
    ranked = visit.page.evaluate("async q => (await window.pkbRank(q, {}, 1000)).map(d => d.url)", query)
    count = visit.page.evaluate("async q => await window.pkbCount(q)", query)
    return ranked, count


@pytest.mark.slow
def test_a_sharded_index_finds_the_same_papers_as_one_index(visit: Any, base_url: str, sharded_site: Path) -> None:
    from sitetools import serve

    with serve(sharded_site) as shard_url:
        for query in QUERIES:
            one, n_one = _results(visit, base_url, query)
            many, n_many = _results(visit, shard_url, query)
            assert n_one == n_many > 0, query
            assert set(one) == set(many), query
            # Exact look-ups (an identity, a concept's defining papers) are placed first whatever the shards' term
            # statistics; the full-text places after them are ranked within each shard by its own statistics, so
            # they may change order (bench/README.md measures how much).
            fixed = dict(EXACT).get(query, 0)
            assert one[:fixed] == many[:fixed], (query, one[:fixed], many[:fixed])


@pytest.mark.slow
def test_a_result_whose_id_two_shards_share_is_shown_from_its_own_fragment(visit: Any, sharded_site: Path) -> None:
    from sitetools import serve

    from paperkb import searchcards

    cards = sharded_site / "search" / "cards"
    [lora] = [p for p in cards.glob("*.json") if json.loads(p.read_text())["url"] == "/papers/lora/"]
    kept = lora.read_bytes()
    lora.write_bytes(searchcards.SHARED)  # as write_cards marks an id two shards gave to different pages
    try:
        with serve(sharded_site) as shard_url:
            ranked, _ = _results(visit, shard_url, "LoRA")
            assert ranked[0] == "/papers/lora/"
            first = visit.page.locator(".pkb-result").first.inner_text()
            assert "LoRA" in first and "Low-Rank Adaptation" in first
    finally:
        lora.write_bytes(kept)


@pytest.mark.slow
def test_named_papers_stay_where_the_search_tests_require_over_shards(visit: Any, sharded_site: Path) -> None:
    from sitetools import serve
    from test_search import NAMED

    with serve(sharded_site) as shard_url:
        for query, paper, rank in NAMED:
            ranked, _ = _results(visit, shard_url, query)
            ids = [u.rstrip("/").rsplit("/", 1)[-1] for u in ranked]
            assert paper in ids[:rank], f"{query!r}: {paper} not in the first {rank}: {ids[:8]}"


@pytest.mark.slow
@pytest.mark.parametrize(("query", "filters"), [("", {"year": "2023"}), ("检索增强生成", {}), ("LoRA", {"topic": "peft"})])
def test_facets_and_their_counts_are_the_same_over_shards(
    visit: Any, base_url: str, sharded_site: Path, query: str, filters: dict[str, str]
) -> None:
    from sitetools import serve

    def facets(url: str) -> list[str]:
        visit.search(url, query, **filters)
        return sorted(visit.page.locator(".pkb-facet").all_inner_texts())

    with serve(sharded_site) as shard_url:
        one = facets(base_url)
        assert one and any(ch.isdigit() for ch in "".join(one))
        assert facets(shard_url) == one


@pytest.mark.slow
def test_a_collection_without_papers_still_gets_a_search_index(tmp_path: Path) -> None:
    from conftest import TOY
    from sitetools import build_site, copy_project

    project = copy_project(tmp_path / "project", TOY, ROOT)
    for record in (project / "papers").glob("*.yaml"):
        record.unlink()
    site = build_site(project, project / "site")
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert _entry(site / "pagefind")["languages"]  # Pagefind indexed the pages there are, as before


@pytest.mark.parametrize("shards", [["../../etc"], ["pagefind/shard/2"], ["pagefind/shard/1", "pagefind/shard/1"], "x"])
def test_the_build_writes_only_to_the_bundles_it_rendered(tmp_path: Path, shards: object) -> None:
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "terms.json").write_text(json.dumps({"shards": shards}))
    with pytest.raises(build.BuildFailed, match="`shards` must be"):
        build.search_shards(tmp_path)
    (tmp_path / "search" / "terms.json").write_text(json.dumps({"shards": ["pagefind/shard/1", "pagefind/shard/2"]}))
    assert build.search_shards(tmp_path) == ["pagefind", "pagefind/shard/1", "pagefind/shard/2"]
