"""Knowledge base in, site files out: `render_site(kb, settings) -> {path: text}`.

Pure: no disk, no network. Python prepares view data (sorted lists, display strings, safe HTML); the Jinja templates in
`templates/` only lay it out. Jinja runs with StrictUndefined (a misspelt variable is an error) and HTML autoescaping;
contributed text enters a page only through `safetext` (see its docstring for the three roads).

Scale: paper pages are kept out of the navigation and every list page is paginated, so each page's size is bounded
whatever the number of papers.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from paperkb import bibtex, charts, citation, csl, feeds, identifiers, listpages, ris, safetext, searchindex, searchshards, urls
from paperkb.kb import KnowledgeBase
from paperkb.models import Paper, Topic

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
CARDS_PER_PAGE = 40
ROWS_PER_PAGE = 150


@dataclass(frozen=True)
class Settings:
    site_name: str = "paperkb 大模型论文知识库"
    site_url: str = "https://paperkb.github.io/paperkb/"
    repo_url: str = "https://github.com/paperkb/paperkb"
    newest: int = 20
    feed_size: int = 50
    templates: Path = TEMPLATES
    preview: bool = False  # rendered for `paperkb serve`, which builds no search index
    search_shard_pages: int = searchshards.SHARD_PAGES  # mkdocs.yml `extra.search_shard_pages` (searchshards.py)


@dataclass(frozen=True)
class PaperView:
    """Display-ready fields of one paper (escaped where they will be placed)."""

    paper: Paper
    key: str
    authors: Markup
    meta_line: Markup
    institutions: list[str]
    links: list[tuple[str, str]]
    code_url: str | None
    tldr: Markup
    notes: dict[str, Markup]
    bibtex: str
    terms: searchindex.PaperTerms
    filters: list[tuple[str, str]]
    author_links: list[tuple[str, str]]
    topic_names: str


# Front-matter keys the theme prints without escaping (MkDocs' Jinja has no autoescape): they get HTML-escaped text.
_THEME_PRINTS_RAW = {"title", "description"}


def venue_series(venue: str) -> str:
    """'NeurIPS 2020' -> 'NeurIPS' (venues are validated '<series> <year>' by the time a site is rendered)."""
    return searchindex.venue_series(venue)


def _json_front_matter(meta: dict[str, Any]) -> str:
    """YAML front matter written as JSON values (valid YAML), so no contributed text can break out of a value.

    `title` and `description` are HTML-escaped here because Material prints them raw into the page; our own `pkb_*`
    values are escaped by our template override instead.
    """
    safe = {k: html.escape(v, quote=True) if k in _THEME_PRINTS_RAW else v for k, v in meta.items()}
    lines = ["---"] + [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in safe.items()] + ["---", ""]
    return "\n".join(lines)


# Live preview re-renders the whole site after every saved edit, in one long-lived process. The costly per-paper parts
# (Markdown notes, the BibTeX entry) are pure functions of a few values, so they are remembered across renders and an
# edit pays only for the paper it touched. A paper's entry depends on the record, its citation key (which depends on
# the other papers) and its venue's registry entry: all three are in the memo key. Bounded, so a long session cannot
# grow without limit.
_MEMO_SIZE = 50_000
_BIBTEX: dict[tuple[str, str, str], str] = {}
# A paper's search tokens depend on the record, its citation key and the vocabularies (topics, tags, institutions,
# glossary): a third of a re-render at 1,000 papers when computed again for every paper.
_TERMS: dict[tuple[str, str, str], searchindex.PaperTerms] = {}
_notes_html = functools.lru_cache(maxsize=_MEMO_SIZE)(safetext.notes_html)
_tldr_html = functools.lru_cache(maxsize=_MEMO_SIZE)(safetext.tldr_html)


def _paginate(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


@dataclass
class SiteRenderer:
    kb: KnowledgeBase
    settings: Settings = field(default_factory=Settings)

    @cached_property
    def env(self) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.settings.templates),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["inline"] = safetext.inline
        env.filters["text"] = safetext.html_text
        env.filters["notes"] = safetext.notes_html
        env.globals.update(venue_series=venue_series, rel=urls.rel, paper_page=urls.paper_page, topic_page=urls.topic_page, slug=urls.slug)
        return env

    @cached_property
    def keys(self) -> dict[str, str]:
        return citation.keys_for(self.kb, self.kb.papers)

    @cached_property
    def views(self) -> dict[str, PaperView]:
        return {p.id: self._view(p) for p in self.kb.papers}

    def _view(self, paper: Paper) -> PaperView:
        venue = paper.venue or ""
        meta = " · ".join(x for x in (str(paper.year), venue) if x)
        links: list[tuple[str, str]] = []
        if paper.arxiv:
            arx = identifiers.arxiv_links(paper.arxiv)
            links += [("arXiv", arx["abs"]), ("PDF", arx["pdf"]), ("HTML", arx["html"])]
        if paper.url:
            links.append(("论文", paper.url))
        if paper.code:
            links.append(("代码", identifiers.github_link(paper.code)))
        if paper.doi:
            links.append(("DOI", identifiers.doi_link(paper.doi)))
        return PaperView(
            paper=paper,
            key=self.keys[paper.id],
            authors=safetext.html_text(", ".join(paper.authors or ([paper.team] if paper.team else []))),
            meta_line=safetext.html_text(meta),
            institutions=list(paper.institutions),
            links=links,
            code_url=identifiers.github_link(paper.code) if paper.code else None,
            tldr=_tldr_html(paper.tldr),
            notes={
                "motivation": _notes_html(paper.notes.motivation),
                "method": _notes_html(paper.notes.method),
                "results": _notes_html(paper.notes.results),
                "limitations": _notes_html(paper.notes.limitations) if paper.notes.limitations else Markup(""),
            },
            bibtex=self._paper_bibtex(paper),
            terms=self._paper_terms(paper),
            filters=searchindex.paper_filters(self.kb, paper),
            author_links=[(name, self.author_slugs[name]) for name in paper.authors or []],
            topic_names=" · ".join(self.kb.topic_by_id[t].name for t in paper.topics),
        )

    @cached_property
    def author_slugs(self) -> dict[str, str]:
        return listpages.author_slugs(self.kb)

    @cached_property
    def _vocabulary(self) -> str:
        """What search tokens depend on besides the record: every topic, tag, institution and glossary entry."""
        kb = self.kb
        parts = [m.model_dump_json() for group in (kb.topics, kb.tags, kb.institutions, kb.glossary) for m in group]
        return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()

    def _paper_terms(self, paper: Paper) -> searchindex.PaperTerms:
        """`searchindex.paper_terms`, remembered across renders in the same process (see `_TERMS`)."""
        memo = (self._vocabulary, paper.model_dump_json(), self.keys[paper.id])
        if memo not in _TERMS:
            if len(_TERMS) >= _MEMO_SIZE:
                _TERMS.clear()
            _TERMS[memo] = searchindex.paper_terms(self.kb, paper, self.keys[paper.id])
        return _TERMS[memo]

    def _paper_bibtex(self, paper: Paper) -> str:
        """`export_bibtex(kb, [paper])`, remembered across renders in the same process (see `_BIBTEX`)."""
        venue = citation.venue_of(self.kb, paper)
        memo = (paper.model_dump_json(), self.keys[paper.id], venue[0].model_dump_json() if venue else "")
        if memo not in _BIBTEX:
            if len(_BIBTEX) >= _MEMO_SIZE:
                _BIBTEX.clear()
            _BIBTEX[memo] = bibtex.export_bibtex(self.kb, [paper])
        return _BIBTEX[memo]

    def _render(self, template: str, here: str, meta: dict[str, Any], **context: Any) -> str:
        body = self.env.get_template(template).render(here=here, kb=self.kb, views=self.views, site=self.settings, **context)
        return _json_front_matter(meta) + body

    # ---- pages ---------------------------------------------------------------------------------------------------------

    def paper(self, paper: Paper) -> str:
        here = urls.paper_page(paper.id)
        view = self.views[paper.id]
        citation: list[list[str]] = [["citation_title", paper.title]]
        citation += [["citation_author", a] for a in paper.authors or []]
        date = paper.published.isoformat().replace("-", "/") if paper.published else str(paper.year)
        citation.append(["citation_publication_date", date])
        if paper.arxiv:
            citation += [["citation_arxiv_id", paper.arxiv], ["citation_pdf_url", identifiers.arxiv_links(paper.arxiv)["pdf"]]]
        if paper.venue:
            venue = self.kb.venue_by_name.get(venue_series(paper.venue))
            if venue:
                kind = "citation_conference_title" if venue.kind == "conference" else "citation_journal_title"
                citation.append([kind, venue.full])
        if paper.doi:
            citation.append(["citation_doi", paper.doi])
        meta = {
            "title": paper.heading,
            "description": paper.tldr,
            "pkb_kind": "paper",
            "pkb_citation": citation,
            "pkb_og": {
                "type": "article",
                "title": paper.heading,
                "description": paper.tldr,
                "url": f"{self.settings.site_url}papers/{paper.id}/",
            },
        }
        builds_on, followed_by = self.kb.lineage(paper.id)
        return self._render("paper.md.j2", here, meta, v=view, p=paper, builds_on=builds_on, followed_by=followed_by)

    def topic_pages(self, topic: Topic) -> dict[str, str]:
        """A topic's papers with those of all its sub-topics (one count rule), and for a parent also its own papers alone."""
        everything = sorted(self.kb.papers_under(topic.id), key=lambda p: (-p.year, p.id))
        own = self.kb.papers_by_topic[topic.id]
        out = self._topic_listing(topic, everything, own, own_only=False)
        if len(own) != len(everything):
            out.update(self._topic_listing(topic, own, own, own_only=True))
        return out

    def _topic_listing(self, topic: Topic, papers: list[Paper], own: list[Paper], own_only: bool) -> dict[str, str]:
        pages = _paginate(papers, CARDS_PER_PAGE)
        targets = [urls.topic_page(topic.id, n, own_only) for n in range(1, len(pages) + 1)]
        subtree = {t.id for t in self.kb.subtree(topic.id)}
        # The filter form is the same on every page of the listing: counted once, not once a page (that was quadratic
        # in a topic's size, and made `render_site` at 30,000 papers 4.6 times that at 10,000).
        facets = listpages.facet_options(self.kb, self.kb.papers_under(topic.id), {"topic": topic.id})
        out = {}
        for n, chunk in enumerate(pages, 1):
            here = targets[n - 1]
            name = topic.name + ("（仅本主题）" if own_only else "")
            meta = {
                "title": name if n == 1 else f"{name}（第 {n} 页）",
                "description": safetext.collapse(topic.intro)[:120],
                "pkb_kind": "topic",
            }
            # The sub-topics (below this one) each card sits in, for papers filed under a sub-topic.
            where = {p.id: [self.kb.topic_by_id[t] for t in p.topics if t in subtree and t != topic.id] for p in chunk}
            out[here] = self._render(
                "topic.md.j2",
                here,
                meta,
                t=topic,
                papers=chunk,
                where=where,
                page=n,
                targets=targets,
                total=len(self.kb.papers_under(topic.id)),
                own_count=len(own),
                own_only=own_only,
                children=self.kb.children.get(topic.id, []),
                counts={c.id: len(self.kb.papers_under(c.id)) for c in self.kb.children.get(topic.id, [])},
                path=self.kb.topic_path(topic.id),
                facets=facets,
            )
        return out

    def stats(self) -> str:
        per_year = Counter(p.year for p in self.kb.papers)
        years = [(str(y), n) for y, n in sorted(per_year.items())]
        top_topics = [(t.name, len(self.kb.papers_under(t.id))) for t in self.kb.topics]
        top_topics = sorted(top_topics, key=lambda kv: (-kv[1], kv[0]))[:20]
        inst = Counter(i for p in self.kb.papers for i in p.institutions)
        top_inst = sorted(inst.items(), key=lambda kv: (-kv[1], kv[0]))[:15]
        svgs = {
            "years": Markup(charts.bar_chart("每年论文数（按首版年份）", years)),
            "topics": Markup(charts.bar_chart("各主题论文数（含子主题，前 20）", top_topics)),
            "institutions": Markup(charts.bar_chart("机构论文数（前 15）", top_inst)),
        }
        return self._render("stats.md.j2", "stats.md", {"title": "统计"}, svgs=svgs)

    def home(self) -> str:
        top = self.kb.children.get(None, [])
        counts = {t.id: len(self.kb.papers_under(t.id)) for t in self.kb.topics}
        return self._render(
            "home.md.j2",
            "index.md",
            {"title": "首页", "pkb_kind": "home", "hide": ["toc"]},
            top=top,
            counts=counts,
            newest=feeds.newest(self.kb, self.settings.newest),
            n_institutions=len({i for p in self.kb.papers for i in p.institutions}),
        )

    def render(self) -> dict[str, str]:
        out: dict[str, str] = {"index.md": self.home()}
        for topic in self.kb.topics:
            out.update(self.topic_pages(topic))
        for paper in self.kb.papers:
            out[urls.paper_page(paper.id)] = self.paper(paper)
        out.update(listpages.index_pages(self))
        out.update(listpages.papers_pages(self))
        out.update(listpages.author_pages(self))
        out["topics/index.md"] = listpages.topics_index(self)
        out["new.md"] = self._render("new.md.j2", "new.md", {"title": "新增"}, papers=feeds.newest(self.kb, 100))
        out["stats.md"] = self.stats()
        out["search.md"] = self._render("search.md.j2", "search.md", {"title": "搜索", "hide": ["toc"], "pkb_kind": "search"})
        out["search/terms.json"] = searchindex.client_data(self.kb, self.settings.search_shard_pages)
        out["search/labels.json"] = searchindex.client_labels(self.kb)
        out.update(searchindex.concept_files(self.kb))
        out["list.md"] = self._render("list.md.j2", "list.md", {"title": "待读", "hide": ["toc"]})
        out["papers.json"] = feeds.papers_json(self.kb, self.settings.site_url)
        out["feed.xml"] = feeds.atom_feed(self.kb, self.settings.site_url, self.settings.site_name, self.settings.feed_size)
        out.update(self.citations())
        out.update(self.topic_feeds())
        return out

    def citations(self) -> dict[str, str]:
        """One .bib and CSL-JSON file per paper, per topic (with sub-topics) and for the whole collection.

        Each paper is encoded once: a topic's or the collection's file is assembled from the papers' own entries (a
        paper sits in several topic files and in all.bib; encoding it each time made this the slowest step at 10,000
        papers). The result is byte-identical to `export_bibtex` / `export_csl` on the same papers; a test holds it so.
        """
        out: dict[str, str] = {}
        for paper in self.kb.papers:
            out[f"cite/{paper.id}.bib"] = self.views[paper.id].bibtex
            out[f"cite/{paper.id}.json"] = csl.export_csl(self.kb, [paper])
            out[f"cite/{paper.id}.ris"] = self.ris_records[paper.id]
        for topic in self.kb.topics:
            papers = self.kb.papers_under(topic.id)
            out[f"cite/topics/{topic.id}.bib"] = self._bibtex(papers)
            out[f"cite/topics/{topic.id}.json"] = self._csl(papers)
            out[f"cite/topics/{topic.id}.ris"] = self._ris(papers)
        out["cite/all.bib"] = self._bibtex(self.kb.papers)
        out["cite/all.json"] = self._csl(self.kb.papers)
        out["cite/all.ris"] = self._ris(self.kb.papers)
        return out

    def topic_feeds(self) -> dict[str, str]:
        """An Atom feed per topic (its papers and its sub-topics'), next to the topic's page: topics/<id>/feed.xml."""
        out = {}
        for topic in self.kb.topics:
            page = f"{self.settings.site_url}{urls.page_dir(urls.topic_page(topic.id))}"
            out[feeds.topic_feed_path(topic.id)] = feeds.atom_feed(
                self.kb,
                self.settings.site_url,
                f"{topic.name} · {self.settings.site_name}",
                self.settings.feed_size,
                papers=self.kb.papers_under(topic.id),
                page=page,
                path=feeds.topic_feed_path(topic.id),
            )
        return out

    def _by_key(self, papers: Iterable[Paper]) -> list[Paper]:
        return sorted(papers, key=lambda p: self.keys[p.id])

    def _bibtex(self, papers: Iterable[Paper]) -> str:
        """`bibtex.export_bibtex(kb, papers)` from the papers' cached one-entry files (its writer separates entries by one blank line)."""
        return "\n".join(self.views[p.id].bibtex for p in self._by_key(papers))

    @cached_property
    def csl_items(self) -> dict[str, dict[str, Any]]:
        return {p.id: csl.item_for(self.kb, p, self.keys[p.id]) for p in self.kb.papers}

    @cached_property
    def ris_records(self) -> dict[str, str]:
        return {p.id: ris.record_for(self.kb, p, self.keys[p.id]) for p in self.kb.papers}

    def _ris(self, papers: Iterable[Paper]) -> str:
        """`ris.export_ris(kb, papers)` from cached records (same records, order and separators)."""
        return "\n".join(self.ris_records[p.id] for p in self._by_key(papers))

    def _csl(self, papers: Iterable[Paper]) -> str:
        """`csl.export_csl(kb, papers)` from cached items (same items, order and JSON layout)."""
        return json.dumps([self.csl_items[p.id] for p in self._by_key(papers)], ensure_ascii=False, indent=2) + "\n"


INDEXES = listpages.INDEXES


# Material renders the whole navigation into every page (every topic in every page's menu and phone drawer, issue 12;
# no `navigation.prune`), so the part the topics add is bounded: three levels, at most 40 topics under each parent, by
# `order`. 1,000 flat topics put ~300 KB of navigation on every page before this. Topics left out are linked from their parent's
# page and the home page, and listed in `not_in_nav` (build.generated_config).
NAV_DEPTH = 3
NAV_CHILDREN = 40


def _nav_topics(kb: KnowledgeBase) -> tuple[list[Any], set[str]]:
    """The topic part of the navigation, and the ids of the topics in it."""
    shown: set[str] = set()

    def entry(topic: Topic, level: int) -> Any:
        shown.add(topic.id)
        children = kb.children.get(topic.id, [])[:NAV_CHILDREN] if level < NAV_DEPTH else []
        page = urls.topic_page(topic.id)
        title = html.escape(topic.name, quote=True)  # Material prints nav titles unescaped (footer, sidebar)
        if not children:
            return {title: page}
        return {title: [page, *(entry(c, level + 1) for c in children)]}

    return [entry(t, 1) for t in kb.children.get(None, [])[:NAV_CHILDREN]], shown


def topics_off_nav(kb: KnowledgeBase) -> list[str]:
    """Ids of the topics the navigation leaves out (see NAV_DEPTH), sorted."""
    return sorted(t.id for t in kb.topics if t.id not in _nav_topics(kb)[1])


def nav(kb: KnowledgeBase) -> list[Any]:
    """MkDocs navigation: home, the topic tree under /topics/, indexes, new, stats, search. Paper pages are absent.

    Every section starts with its own page (`navigation.indexes`): 主题 opens /topics/, a parent topic opens its own page.
    """
    indexes = [{title: f"indexes/{kind}/index.md"} for kind, title in INDEXES]
    return [
        {"首页": "index.md"},
        {"主题": ["topics/index.md", *_nav_topics(kb)[0]]},
        {"索引": ["indexes/index.md", {"全部论文": "papers/index.md"}, *indexes, {"新增": "new.md"}, {"统计": "stats.md"}]},
        {"搜索": "search.md"},
        {"待读": "list.md"},
    ]


def render_site(kb: KnowledgeBase, settings: Settings | None = None) -> dict[str, str]:
    """Every generated file of the site, keyed by its path under the docs folder."""
    return SiteRenderer(kb, settings or Settings()).render()
