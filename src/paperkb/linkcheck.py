"""The external links the site shows, and whether they still answer: the scheduled link check.

Links rot: a repository is renamed, a publisher moves a PDF, a reading list goes offline. A weekly job
(`.github/workflows/links.yml`) runs `paperkb links` and reports rot without ever blocking a pull request, because a
contributor's record cannot be blamed for another site being down.

Checked: `url` (papers not on arXiv), `code` (GitHub), `doi` (resolved at doi.org) and each topic's `reading[].url`.
Not checked: arXiv links. They are built from ids that `paperkb check` validated, and crawling arxiv.org page by page
is what its robots policy asks tools not to do. Pure: the knowledge base in, a sorted list of links out; `cli_contrib`
does the requests.
"""

from __future__ import annotations

from dataclasses import dataclass

from paperkb import identifiers
from paperkb.kb import KnowledgeBase


@dataclass(frozen=True, order=True)
class Link:
    """One external link and the record field it comes from."""

    path: str
    field: str
    url: str


def external_links(kb: KnowledgeBase) -> list[Link]:
    """Every non-arXiv external link of every record, sorted, each once per record field."""
    links: set[Link] = set()
    for paper in kb.papers:
        path = f"papers/{paper.id}.yaml"
        if paper.url:
            links.add(Link(path, "url", paper.url))
        if paper.code:
            links.add(Link(path, "code", identifiers.github_link(paper.code)))
        if paper.doi:
            links.add(Link(path, "doi", identifiers.doi_link(paper.doi)))
    for topic in kb.topics:
        for i, reading in enumerate(topic.reading):
            if reading.url:
                links.add(Link(f"topics/{topic.id}.yaml", f"reading[{i}].url", reading.url))
    return sorted(links)
