"""The Atom feed and papers.json: what a subscriber is told about, in which order, read back by a real feed parser."""

from __future__ import annotations

import datetime as dt
import json

import feedparser
from citation_helpers import toy_kb

from paperkb import feeds
from paperkb.kb import KnowledgeBase
from paperkb.render import Settings, SiteRenderer

SITE = "https://example.org/kb/"


def _kb_added_on(days: dict[str, str]) -> KnowledgeBase:
    """The toy knowledge base with each paper's `added` date set, so order is decided by `added` and nothing else."""
    kb = toy_kb()
    papers = tuple(p.model_copy(update={"added": dt.date.fromisoformat(days[p.id])}) for p in kb.papers)
    return KnowledgeBase(papers=papers, topics=kb.topics, tags=kb.tags, institutions=kb.institutions, venues=kb.venues)


def test_feed_lists_the_newest_additions_first_and_only_n_of_them() -> None:
    # Added in the opposite order of their ids and of their publication years: only `added` may decide.
    kb = _kb_added_on({"gpt-2": "2026-11-30", "lora": "2026-11-20", "qlora": "2026-11-10"})
    parsed = feedparser.parse(feeds.atom_feed(kb, SITE, "paperkb", n=2))
    assert not parsed.bozo, parsed.bozo_exception
    assert [e.link for e in parsed.entries] == [SITE + "papers/gpt-2/", SITE + "papers/lora/"]
    assert parsed.feed.updated.startswith("2026-11-30")
    assert parsed.entries[0].updated.startswith("2026-11-30")


def test_ties_on_added_put_the_newer_paper_first() -> None:
    kb = _kb_added_on({"gpt-2": "2026-11-24", "lora": "2026-11-24", "qlora": "2026-11-24"})
    assert [p.id for p in feeds.newest(kb, 3)] == ["qlora", "lora", "gpt-2"]  # 2023, 2021, 2019


def test_feed_entries_carry_title_authors_summary_and_topics() -> None:
    kb = toy_kb()
    parsed = feedparser.parse(feeds.atom_feed(kb, SITE, "paperkb <新> & co"))
    assert not parsed.bozo
    assert parsed.feed.title == "paperkb <新> & co"  # escaped in XML, read back as text
    lora = next(e for e in parsed.entries if e.link.endswith("/lora/"))
    # the title already starts with the short name: said once, as on the paper's page
    assert lora.title == "LoRA: Low-Rank Adaptation of Large Language Models"
    gpt2 = next(e for e in parsed.entries if e.link.endswith("/gpt-2/"))
    assert gpt2.title == "GPT-2: Language Models are Unsupervised Multitask Learners"
    assert [a.name for a in lora.authors][:2] == ["Edward J. Hu", "Yelong Shen"]
    assert lora.summary == kb.paper_by_id["lora"].tldr
    assert [t.term for t in lora.tags] == ["peft"]


def test_papers_json_lists_every_record_with_its_page() -> None:
    kb = toy_kb()
    data = json.loads(feeds.papers_json(kb, SITE))
    assert data["count"] == 3 == len(data["papers"])
    assert [p["id"] for p in data["papers"]] == sorted(p.id for p in kb.papers)
    assert data["papers"][0]["page"] == SITE + "papers/" + data["papers"][0]["id"] + "/"


def test_each_topic_has_a_valid_feed_of_its_own_and_its_sub_topics_papers() -> None:
    """quantization is under peft: peft's feed holds every paper, quantization's only QLoRA; links point at the topic."""
    kb = toy_kb()
    files = SiteRenderer(kb, Settings(site_url=SITE)).topic_feeds()
    assert sorted(files) == ["topics/peft/feed.xml", "topics/quantization/feed.xml"]
    for topic in kb.topics:
        parsed = feedparser.parse(files[feeds.topic_feed_path(topic.id)])
        assert not parsed.bozo, parsed.bozo_exception
        assert parsed.version == "atom10"
        assert topic.name in parsed.feed.title
        assert parsed.feed.id == f"{SITE}topics/{topic.id}/"
        assert parsed.feed.link == f"{SITE}topics/{topic.id}/"
        assert [link.href for link in parsed.feed.links if link.rel == "self"] == [f"{SITE}topics/{topic.id}/feed.xml"]
        assert sorted(e.link for e in parsed.entries) == sorted(f"{SITE}papers/{p.id}/" for p in kb.papers_under(topic.id))
    assert len(feedparser.parse(files["topics/quantization/feed.xml"]).entries) == 1


def test_a_feed_of_no_papers_is_still_valid_atom() -> None:
    parsed = feedparser.parse(feeds.atom_feed(toy_kb(), SITE, "empty", papers=[], path="topics/x/feed.xml"))
    assert not parsed.bozo and parsed.entries == [] and parsed.feed.author == "paperkb"


def test_a_team_report_names_its_team_as_author() -> None:
    kb = toy_kb()
    report = kb.paper_by_id["gpt-2"].model_copy(update={"team": "OpenAI"})
    (entry,) = feedparser.parse(feeds.atom_feed(kb, SITE, "t", papers=[report])).entries
    assert entry.author == "OpenAI"
