"""Feed rules that mutation testing found unguarded in feeds.py (tests/mutation/README.md)."""

from __future__ import annotations

import datetime as dt

import feedparser
import pytest
from citation_helpers import toy_kb

from paperkb import feeds
from paperkb.kb import KnowledgeBase

SITE = "https://example.org/kb/"


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
