"""The knowledge base: validated records plus the indexes every output needs.

Built once from files that passed every check, so renderers and exporters can assume ids resolve and registries are
complete. Everything derived (papers per topic, the topic tree, related papers in both directions) is computed here, in
one place, and in a deterministic order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from paperkb.models import GlossaryEntry, Institution, Paper, Tag, Topic, Venue

T = TypeVar("T")


@dataclass(frozen=True)
class KnowledgeBase:
    papers: tuple[Paper, ...]
    topics: tuple[Topic, ...]
    tags: tuple[Tag, ...] = ()
    institutions: tuple[Institution, ...] = ()
    venues: tuple[Venue, ...] = ()
    glossary: tuple[GlossaryEntry, ...] = ()
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def derived(self, name: str, compute: Callable[[KnowledgeBase], T]) -> T:
        """Memoise a whole-collection value computed by a module kb.py must not import (e.g. citation keys).

        Exporting 10,000 papers one by one must not recompute every key 10,000 times.
        """
        if name not in self._cache:
            self._cache[name] = compute(self)
        value: T = self._cache[name]
        return value

    @cached_property
    def paper_by_id(self) -> dict[str, Paper]:
        return {p.id: p for p in self.papers}

    @cached_property
    def topic_by_id(self) -> dict[str, Topic]:
        return {t.id: t for t in self.topics}

    @cached_property
    def tag_by_id(self) -> dict[str, Tag]:
        return {t.id: t for t in self.tags}

    @cached_property
    def venue_by_name(self) -> dict[str, Venue]:
        return {v.name: v for v in self.venues}

    @cached_property
    def institution_by_name(self) -> dict[str, Institution]:
        return {i.name: i for i in self.institutions}

    @cached_property
    def children(self) -> dict[str | None, list[Topic]]:
        """Topics under each parent (None: top level), by `order` then id."""
        out: dict[str | None, list[Topic]] = defaultdict(list)
        for topic in sorted(self.topics, key=lambda t: (t.order, t.id)):
            out[topic.parent].append(topic)
        return dict(out)

    def topic_path(self, topic_id: str) -> list[Topic]:
        """Ancestors from the top level down to the topic itself."""
        path = []
        node: str | None = topic_id
        while node is not None:
            topic = self.topic_by_id[node]
            path.append(topic)
            node = topic.parent
        return path[::-1]

    def subtree(self, topic_id: str) -> list[Topic]:
        out = [self.topic_by_id[topic_id]]
        for child in self.children.get(topic_id, []):
            out += self.subtree(child.id)
        return out

    @cached_property
    def papers_by_topic(self) -> dict[str, list[Paper]]:
        """Papers filed directly under each topic, newest first (year, then id for a stable order)."""
        out: dict[str, list[Paper]] = {t.id: [] for t in self.topics}
        for paper in self.papers:
            for topic in paper.topics:
                out[topic].append(paper)
        for papers in out.values():
            papers.sort(key=lambda p: (-p.year, p.id))
        return out

    def papers_under(self, topic_id: str) -> list[Paper]:
        """Papers of a topic and all its sub-topics, each once, sorted by id (topic counts, topic .bib files, `bib --topic`)."""
        under: dict[str, list[Paper]] = self._cache.setdefault("papers_under", {})
        if topic_id not in under:
            seen = {p.id: p for t in self.subtree(topic_id) for p in self.papers_by_topic[t.id]}
            under[topic_id] = [seen[k] for k in sorted(seen)]
        return under[topic_id]

    @cached_property
    def related(self) -> dict[str, list[Paper]]:
        """Related papers in both directions: what a paper names, and what names it."""
        links: dict[str, set[str]] = defaultdict(set)
        for paper in self.papers:
            for other in paper.related:
                links[paper.id].add(other)
                links[other].add(paper.id)
        return {pid: sorted((self.paper_by_id[o] for o in ids), key=lambda p: (p.year, p.id)) for pid, ids in links.items()}

    def lineage(self, paper_id: str) -> tuple[list[Paper], list[Paper]]:
        """(what this paper builds on, later work that builds on it), from `related` links in either direction.

        Contributors link both ways (LoRA names QLoRA, which builds on LoRA), so the direction comes from time: a paper
        can only build on earlier work. Papers of the same date (or year, when a date is missing) keep the direction
        the record states: the one that names the other builds on it.
        """
        paper = self.paper_by_id[paper_id]
        before: list[Paper] = []
        after: list[Paper] = []
        for other in self.related.get(paper_id, []):
            if paper.published and other.published and paper.published != other.published:
                earlier = other.published < paper.published
            elif other.year != paper.year:
                earlier = other.year < paper.year
            else:
                earlier = other.id in paper.related
            (before if earlier else after).append(other)
        return before, after
