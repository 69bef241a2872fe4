"""List pages: the indexes (year, venue, institution, tag), every paper, every author, the topic tree, and their filters.

Every list is paginated, so a page's size is bounded whatever the number of papers. A list is narrowed by the search
page's facets: each list page carries a small form whose choices (with counts for this list) open
`/search/?topic=…&year=…`, where Pagefind's filters do the narrowing across all pages of the list.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from paperkb import searchindex, urls
from paperkb.kb import KnowledgeBase
from paperkb.models import Paper

if TYPE_CHECKING:
    from paperkb.render import SiteRenderer

INDEXES = [("years", "按年份"), ("venues", "按会议期刊"), ("institutions", "按机构"), ("tags", "按标签")]
ROWS_PER_PAGE = 150
FACET_CHOICES = 40  # per facet on a list page's form: the most frequent values in that list


def _order(papers: list[Paper]) -> list[Paper]:
    return sorted(papers, key=lambda p: (-p.year, p.short_name.lower(), p.id))


def _paginate(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def groups(kb: KnowledgeBase) -> dict[str, list[tuple[str, str, list[Paper]]]]:
    """Index kind -> [(slug, label, papers)], each sorted for display."""

    def compute(kb: KnowledgeBase) -> dict[str, list[tuple[str, str, list[Paper]]]]:
        by_year: dict[int, list[Paper]] = defaultdict(list)
        by_venue: dict[str, list[Paper]] = defaultdict(list)
        by_inst: dict[str, list[Paper]] = defaultdict(list)
        by_tag: dict[str, list[Paper]] = defaultdict(list)
        for p in kb.papers:
            by_year[p.year].append(p)
            if p.venue:
                by_venue[searchindex.venue_series(p.venue)].append(p)
            for inst in p.institutions:
                by_inst[inst].append(p)
            for tag in p.tags:
                by_tag[tag].append(p)
        inst_zh = {i.name: i.name_zh for i in kb.institutions}
        return {
            "years": [(str(y), str(y), _order(ps)) for y, ps in sorted(by_year.items(), reverse=True)],
            "venues": [(urls.slug(v), v, _order(ps)) for v, ps in sorted(by_venue.items(), key=lambda kv: (-len(kv[1]), kv[0]))],
            "institutions": [
                (urls.slug(i), f"{i}（{inst_zh[i]}）" if inst_zh.get(i) and inst_zh[i] != i else i, _order(ps))
                for i, ps in sorted(by_inst.items(), key=lambda kv: (-len(kv[1]), kv[0]))
            ],
            "tags": [
                (t, f"{kb.tag_by_id[t].name}（{t}）", _order(ps)) for t, ps in sorted(by_tag.items(), key=lambda kv: (-len(kv[1]), kv[0]))
            ],
        }

    return kb.derived("index_groups", compute)


# Which search filter (and value) a group page stands for.
_GROUP_FILTER = {"years": "year", "venues": "venue", "institutions": "institution", "tags": "tag"}


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    choices: list[tuple[str, str, int]]  # (filter value, label, papers in this list)


def facet_options(kb: KnowledgeBase, papers: list[Paper], fixed: dict[str, str]) -> dict[str, Any]:
    """The filter form of a list page: fixed filters (this page's own) and, for every other facet, its choices here."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in searchindex.FACETS}
    for p in papers:
        for name, value in dict.fromkeys(searchindex.paper_filters(kb, p)):
            counts[name][value] += 1
    inst_zh = {i.name: i.name_zh for i in kb.institutions}

    def label(name: str, value: str) -> str:
        if name == "topic":
            return kb.topic_by_id[value].name
        if name == "tag":
            return kb.tag_by_id[value].name if value in kb.tag_by_id else value
        if name == "institution" and inst_zh.get(value) and inst_zh[value] != value:
            return f"{value}（{inst_zh[value]}）"
        return value

    facets = []
    for name, title in searchindex.FACETS.items():
        if name in fixed or len(counts[name]) < 2:
            continue
        ranked = sorted(counts[name].items(), key=lambda kv: (-int(kv[0]), 0) if name == "year" else (-kv[1], label(name, kv[0])))
        choices = [(value, label(name, value), n) for value, n in ranked[:FACET_CHOICES]]
        facets.append(Facet(name, title, choices))
    return {"fixed": sorted(fixed.items()), "facets": facets}


def index_pages(r: SiteRenderer) -> dict[str, str]:
    out: dict[str, str] = {}
    all_groups = groups(r.kb)
    for kind, title in INDEXES:
        here = f"indexes/{kind}/index.md"
        rows = [(s, label, len(ps)) for s, label, ps in all_groups[kind]]
        out[here] = r._render("group_list.md.j2", here, {"title": title}, kind=kind, title=title, rows=rows)
        for s, label, papers in all_groups[kind]:
            pages = _paginate(papers, ROWS_PER_PAGE)
            targets = [f"indexes/{kind}/{s}.md" if n == 1 else f"indexes/{kind}/{s}-{n}.md" for n in range(1, len(pages) + 1)]
            value = searchindex.paper_filters(r.kb, papers[0])
            fixed_value = next(v for f, v in value if f == _GROUP_FILTER[kind] and _group_slug(kind, v) == s)
            facets = facet_options(r.kb, papers, {_GROUP_FILTER[kind]: fixed_value})
            for n, chunk in enumerate(pages, 1):
                here = targets[n - 1]
                out[here] = r._render(
                    "group.md.j2",
                    here,
                    {"title": f"{title}：{label}"},
                    kind=kind,
                    slug=s,
                    label=label,
                    title=title,
                    papers=chunk,
                    page=n,
                    targets=targets,
                    total=len(papers),
                    facets=facets,
                )
    out["indexes/index.md"] = r._render("indexes.md.j2", "indexes/index.md", {"title": "索引"}, indexes=INDEXES, groups=all_groups)
    return out


def _group_slug(kind: str, value: str) -> str:
    return value if kind in {"years", "tags"} else urls.slug(value)


def papers_pages(r: SiteRenderer) -> dict[str, str]:
    """/papers/: every paper, newest first, paginated, with the filter form."""
    papers = _order(list(r.kb.papers))
    pages = _paginate(papers, ROWS_PER_PAGE)
    targets = [urls.papers_list_page(n) for n in range(1, len(pages) + 1)]
    facets = facet_options(r.kb, papers, {})
    out = {}
    for n, chunk in enumerate(pages, 1):
        here = targets[n - 1]
        title = "全部论文" if n == 1 else f"全部论文（第 {n} 页）"
        out[here] = r._render(
            "papers.md.j2", here, {"title": title}, papers=chunk, page=n, targets=targets, total=len(papers), facets=facets
        )
    return out


def author_slugs(kb: KnowledgeBase) -> dict[str, str]:
    """Author name -> page slug. Names that fold to the same slug ('José' and 'Jose') are told apart by -2, -3 in name order."""
    by_slug: dict[str, list[str]] = defaultdict(list)
    for name in sorted({a for p in kb.papers for a in p.authors or []}):
        by_slug[urls.slug(name)].append(name)
    out = {}
    for s, names in by_slug.items():
        for i, name in enumerate(names):
            out[name] = s if i == 0 else f"{s}-{i + 1}"
    return out


def author_pages(r: SiteRenderer) -> dict[str, str]:
    """/authors/<slug>/: every paper that lists exactly this name (no disambiguation beyond the name)."""
    by_author: dict[str, list[Paper]] = defaultdict(list)
    for p in r.kb.papers:
        for name in dict.fromkeys(p.authors or []):
            by_author[name].append(p)
    out = {}
    for name, papers in sorted(by_author.items()):
        here = urls.author_page(r.author_slugs[name])
        out[here] = r._render("author.md.j2", here, {"title": f"作者：{name}"}, name=name, papers=_order(papers))
    return out


def topics_index(r: SiteRenderer) -> str:
    """/topics/: the whole tree, each topic with its one-line summary and its count (papers of its subtree)."""
    kb = r.kb

    def rows(parent: str | None, depth: int) -> list[dict[str, Any]]:
        out = []
        for t in kb.children.get(parent, []):
            out.append({"t": t, "depth": depth, "count": len(kb.papers_under(t.id)), "summary": searchindex.topic_summary(t.intro, 80)})
            out += rows(t.id, depth + 1)
        return out

    return r._render("topics.md.j2", "topics/index.md", {"title": "主题", "hide": ["toc"]}, rows=rows(None, 0))
