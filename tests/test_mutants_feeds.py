"""Feed rules that mutation testing found unguarded in feeds.py (tests/mutation/README.md)."""

from __future__ import annotations

import datetime as dt
import json

import feedparser
import pytest
from citation_helpers import toy_kb
from conftest import ROOT, golden

from paperkb import feeds
from paperkb.kb import KnowledgeBase

SITE = "https://example.org/kb/"
GOLDEN = ROOT / "tests" / "golden" / "feeds"


@pytest.mark.parametrize("published", ["2019-01-01", "2019-01-15"])
def test_a_paper_known_only_by_its_year_counts_as_published_on_the_first_of_january(published: str) -> None:
    """gpt-2 (2019, no date) and a paper of 2019 dated in January, added the same day: the dated one is not older."""
    kb = toy_kb()
    gpt2 = kb.paper_by_id["gpt-2"]
    dated = kb.paper_by_id["qlora"].model_copy(update={"year": 2019, "published": dt.date.fromisoformat(published)})
    assert gpt2.published is None and gpt2.year == 2019 and dated.added == gpt2.added
    # On 1 January the dates tie and the ids decide (in reverse, like the rest of the key): qlora before gpt-2.
    assert [p.id for p in feeds.newest(kb, 2, [gpt2, dated])] == ["qlora", "gpt-2"]


def test_a_feed_holds_the_thirty_newest_additions_by_default() -> None:
    kb = toy_kb()
    many = tuple(
        kb.papers[0].model_copy(update={"id": f"p{i:02d}", "added": dt.date(2026, 1, 1) + dt.timedelta(days=i)}) for i in range(31)
    )
    big = KnowledgeBase(papers=many, topics=kb.topics, tags=kb.tags, institutions=kb.institutions, venues=kb.venues)
    entries = feedparser.parse(feeds.atom_feed(big, SITE, "paperkb")).entries
    assert len(entries) == 30
    assert entries[0].link == f"{SITE}papers/p30/" and entries[-1].link == f"{SITE}papers/p01/"


# --- the exact bytes: papers.json and a feed are files people diff and tools parse --------------------------------


def test_papers_json_and_the_feeds_of_the_toy_knowledge_base_are_exactly_the_reviewed_files(update_golden: bool) -> None:
    """Golden files (reviewed): papers.json leaves absent fields out, sorts its keys, indents by one and keeps Chinese
    readable; a feed declares Atom as its default namespace and links itself, its page and every entry."""
    kb = toy_kb()
    golden(GOLDEN / "papers.json", feeds.papers_json(kb, SITE), update_golden)
    golden(GOLDEN / "feed.xml", feeds.atom_feed(kb, SITE, "paperkb", n=3), update_golden)
    empty = feeds.atom_feed(kb, SITE, "空话题", papers=[], page=f"{SITE}topics/x/", path=feeds.topic_feed_path("x"))
    golden(GOLDEN / "empty-feed.xml", empty, update_golden)


def test_papers_json_leaves_absent_fields_out_and_keeps_chinese_as_typed() -> None:
    data = json.loads(text := feeds.papers_json(toy_kb(), SITE))
    assert data["version"] == 1 and data["count"] == len(data["papers"]) > 0
    assert not [k for row in data["papers"] for k, v in row.items() if v is None]
    assert "一" in text or "的" in text  # never \\u escapes
    assert text.startswith('{\n "count"')  # indent 1, keys sorted


def test_a_feed_names_its_self_link_feed_xml_unless_told_otherwise() -> None:
    parsed = feedparser.parse(feeds.atom_feed(toy_kb(), SITE, "paperkb", n=1))
    assert {link.rel: link.href for link in parsed.feed.links} == {"alternate": SITE, "self": f"{SITE}feed.xml"}


def test_an_empty_feed_is_signed_by_paperkb_and_dated_the_first_of_january_2026() -> None:
    parsed = feedparser.parse(feeds.atom_feed(toy_kb(), SITE, "空", papers=[]))
    assert parsed.bozo == 0 and parsed.entries == []
    assert parsed.feed.author == "paperkb" and parsed.feed.updated == "2026-01-01T00:00:00Z"


@pytest.mark.parametrize(("team", "signed"), [("Qwen Team", "Qwen Team"), (None, "paperkb")])
def test_an_entry_without_authors_is_signed_by_its_team_or_else_by_paperkb(team: str | None, signed: str) -> None:
    kb = toy_kb()
    anonymous = kb.papers[0].model_copy(update={"authors": None, "team": team})
    entry = feedparser.parse(feeds.atom_feed(kb, SITE, "paperkb", papers=[anonymous])).entries[0]
    assert [a.name for a in entry.authors] == [signed]
    assert entry.id == entry.link == f"{SITE}papers/{anonymous.id}/"
