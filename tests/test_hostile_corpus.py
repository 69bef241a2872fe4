"""The hostile corpus in tests/hostile/: every record gets the outcome that cases.yaml declares, through the real pipeline.

Error cases go through the real loader and checks (`repository.load_files`, what `paperkb check` runs), one at a time in
a copy of the toy knowledge base. Inert cases are built together with the toy knowledge base by one real
`mkdocs build --strict` + Pagefind run per session. Each inert record is built next to its twin: the same record with every
contributed text replaced by plain words. The hostile page must have exactly the twin's elements and attributes (apart
from the few light-Markdown tags notes may use), link only where the twin links, and show the hostile text as text.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from bibtexparser.entrypoint import parse_string
from citation_helpers import balanced
from conftest import ROOT, TOY
from sitetools import build_site, copy_project, serve

from paperkb import mathml, safetext, searchindex, yamlload
from paperkb.bibimport import bibtex_authors, latex_to_text
from paperkb.bibtex import FIELD_ORDER, export_bibtex
from paperkb.citation import one_line
from paperkb.kb import KnowledgeBase
from paperkb.problems import Problem, count_errors
from paperkb.repository import build_kb, load_files

HOSTILE = Path(__file__).parent / "hostile"
CHROMIUM = "/usr/bin/chromium"
MANIFEST: dict[str, dict[str, Any]] = yaml.safe_load((HOSTILE / "cases.yaml").read_text(encoding="utf-8"))["cases"]


@dataclass(frozen=True)
class Case:
    name: str
    spec: dict[str, Any]

    @property
    def dest(self) -> str:
        """Where the file goes in the knowledge base."""
        return str(self.spec.get("as", f"papers/{self.name}"))

    @property
    def error(self) -> str | None:
        return self.spec.get("error")

    @property
    def is_topic(self) -> bool:
        return self.dest.startswith("topics/")

    @property
    def record_id(self) -> str:
        return Path(self.dest).stem

    def raw(self) -> bytes:
        """The file's bytes: the file itself, or what its recipe makes."""
        recipe = self.spec.get("recipe")
        if recipe is None:
            return (HOSTILE / self.name).read_bytes()
        if "from" in recipe:
            text = (HOSTILE / "base" / recipe["from"]).read_text(encoding="utf-8").replace("id: ordinary", f"id: {self.record_id}")
        else:
            text = recipe["text"]
        for old, new in recipe.get("replace", []):
            text = text.replace(old, new)
        for unit, count in recipe.get("append", []):
            text += unit * count
        return str(text).encode(recipe.get("encoding", "utf-8"), recipe.get("errors", "strict"))


CASES = [Case(name, spec) for name, spec in MANIFEST.items()]
ERRORS = [c for c in CASES if c.error is not None]
INERT = [c for c in CASES if c.error is None]


def collapse(text: str) -> str:
    return " ".join(text.split())


# ---- the manifest ------------------------------------------------------------------------------------------------------


def test_manifest_covers_every_file_with_one_outcome() -> None:
    files = {p.name for p in HOSTILE.glob("*.yaml")} - {"cases.yaml"}
    declared = {c.name for c in CASES if "recipe" not in c.spec}
    assert files == declared, f"undeclared: {sorted(files - declared)}; missing: {sorted(declared - files)}"
    for case in CASES:
        assert ("error" in case.spec) != bool(case.spec.get("inert")), f"{case.name}: give exactly one of error / inert: true"
        assert not ("recipe" in case.spec and (HOSTILE / case.name).exists()), f"{case.name}: both a file and a recipe"
    assert len(CASES) >= 40 and len(INERT) >= 10


# ---- error cases: the real loader and checks ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", ERRORS, ids=lambda c: c.name)
def test_error_case_gets_its_located_problem(case: Case, tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(TOY, root)
    raw = case.raw()
    (root / case.dest).write_bytes(raw)
    _, problems = load_files(root)  # what `paperkb check` runs; a crash here would be a traceback for a user's mistake
    texts = [p.as_text() for p in problems]
    assert any(t.startswith(f"{case.dest}:{case.error}") for t in texts), "\n".join(texts)
    assert count_errors(problems), "an error case must stop the build"
    lines = raw.count(b"\n") + 1
    for problem in problems:
        if problem.path == case.dest:
            assert 1 <= problem.line <= lines and problem.col >= 1, problem
            assert "bug" not in problem.message, problem


def test_lone_surrogates_are_refused_without_libyaml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """LibYAML rejects `"\\ud800"`; PyYAML's pure-Python parser (used where LibYAML is missing) lets it through, and a lone
    surrogate cannot be written to a UTF-8 page: the check must stop it before the build does."""
    monkeypatch.setattr(yamlload, "_Parser", yaml.SafeLoader)
    root = tmp_path / "kb"
    shutil.copytree(TOY, root)
    text = (HOSTILE / "base" / "ordinary.yaml").read_text(encoding="utf-8").replace("Ordinary title", "\\ud800 title")
    (root / "papers" / "ordinary.yaml").write_text(text, encoding="utf-8")
    _, problems = load_files(root)
    assert sorted(p.as_text() for p in problems) == [
        "papers/ordinary.yaml:3:8: title: contains invisible control or bidi characters (U+D800); delete them",
        "papers/ordinary.yaml:3:8: title: holds characters that are not text (lone UTF-16 surrogates); delete them",
    ]


def test_a_symlinked_record_is_refused(tmp_path: Path) -> None:
    """A record that is a link would make the build read whatever it points at (here a planted `.env`)."""
    root = tmp_path / "kb"
    shutil.copytree(TOY, root)
    (tmp_path / ".env").write_text("GITHUB_TOKEN=secret\n", encoding="utf-8")
    (root / "papers" / "linked.yaml").symlink_to(tmp_path / ".env")
    _, problems = load_files(root)
    assert [p.as_text() for p in problems] == ["papers/linked.yaml:1:1: (file): record files must be regular files, not symbolic links"]


# ---- inert cases: one real build ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    site: Path
    kb: KnowledgeBase
    problems: list[Problem]
    data: dict[str, dict[str, Any]]  # case name -> the record as loaded
    twins: dict[str, str]  # case name -> its twin's id


def _twin(case: Case, data: dict[str, Any], n: int) -> dict[str, Any]:
    """The same record with every contributed text replaced by plain words (and an id and arXiv id of its own)."""
    out = dict(data, id=f"twin-{n:02d}")
    if case.is_topic:
        out.update(name=f"双胞胎主题 {n}", name_en=f"Twin topic {n}", intro="Twin intro.")
        out["reading"] = [{**r, "title": "Twin reading"} for r in data.get("reading", [])]
        return out
    out.update(title=f"Twin paper number {n}", short_name="Twin", tldr="Twin tl;dr.")
    out["notes"] = {key: "Twin note." for key in data["notes"]}
    if "title_zh" in data:
        out["title_zh"] = "双胞胎"
    if "authors" in data:
        out["authors"] = [f"Twin Author{chr(65 + i)}" for i in range(len(data["authors"]))]
    if "arxiv" in data:
        out["arxiv"] = f"{data['arxiv'][:5]}{90000 + n}"
    return out


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    project = copy_project(tmp_path_factory.mktemp("corpus") / "project", TOY, ROOT)
    data: dict[str, dict[str, Any]] = {}
    twins: dict[str, str] = {}
    for n, case in enumerate(INERT):
        raw = case.raw()
        (project / case.dest).write_bytes(raw)
        data[case.name] = yamlload.load(raw).data
        twin = _twin(case, data[case.name], n)
        twins[case.name] = twin["id"]
        (project / case.dest).with_name(f"{twin['id']}.yaml").write_text(json.dumps(twin, ensure_ascii=False), encoding="utf-8")
    files, problems = load_files(project)
    kb = build_kb(files)
    build_site(project, project / "site")
    return Corpus(project / "site", kb, problems, data, twins)


NOTE_MARKUP = {(tag, (), "") for tag in safetext.ALLOWED_TAGS} | {("span", ("class",), "pkb-math")}
URL_ATTRS = {"href", "src", "action", "formaction", "data", "poster", "srcset", "xlink:href", "background", "cite"}
ACTIVE_TAGS = {"iframe", "frame", "frameset", "img", "object", "embed", "applet", "base", "style", "details", "video", "audio"}
ACTIVE_TAGS |= {"textarea", "select", "template", "math", "marquee"}
FACETS = set(searchindex.FACETS)


class Structure(HTMLParser):
    """Every element with its attributes, the text inside <article>, and the inline scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.article_elements: list[tuple[str, dict[str, str | None]]] = []
        self.article_text: list[str] = []
        self.inline_scripts: list[str] = []
        self._article = 0
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._article += tag == "article"
        if self._article:
            self.article_elements.append((tag, dict(attrs)))
        self._script = tag == "script" and not dict(attrs).get("src")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if self._article:
            self.article_elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self._article -= tag == "article"
        self._script = False

    def handle_data(self, data: str) -> None:
        if self._script:
            self.inline_scripts.append(data)
        elif self._article:
            self.article_text.append(data)

    def signature(self, article_only: bool = False) -> Counter[tuple[str, tuple[str, ...], str]]:
        """(tag, attribute names, class) of every element, apart from the light-Markdown tags notes may use."""
        elements = self.article_elements if article_only else self.elements
        sigs = ((tag, tuple(sorted(attrs)), attrs.get("class") or "") for tag, attrs in elements)
        return Counter(sig for sig in sigs if sig not in NOTE_MARKUP and not _formula(sig))

    def urls(self, article_only: bool = False) -> list[str]:
        elements = self.article_elements if article_only else self.elements
        return [value for _, attrs in elements for name, value in attrs.items() if name in URL_ATTRS and value]


def _formula(sig: tuple[str, tuple[str, ...], str]) -> bool:
    """MathML that mathml.py built from a `$…$` formula: its elements, its presentational attributes, no class."""
    tag, attrs, cls = sig
    return tag in mathml.MATHML_TAGS and set(attrs) <= mathml.MATHML_ATTRIBUTES and not cls


def structure(path: Path) -> Structure:
    page = Structure()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def _page(site: Path, case: Case, record_id: str) -> Path:
    return site / ("topics" if case.is_topic else "papers") / record_id / "index.html"


def _external_hosts(urls: list[str]) -> set[str]:
    return {urlsplit(u).hostname or "" for u in urls if urlsplit(u).scheme}


@pytest.mark.slow
@pytest.mark.parametrize("case", INERT, ids=lambda c: c.name)
def test_inert_case_passes_the_check(case: Case, corpus: Corpus) -> None:
    mine = [p.as_text() for p in corpus.problems if p.path == case.dest and p.severity == "error"]
    assert mine == []


@pytest.mark.slow
@pytest.mark.parametrize("case", INERT, ids=lambda c: c.name)
def test_inert_case_page_is_its_twins_page_with_the_text_shown(case: Case, corpus: Corpus) -> None:
    hostile = structure(_page(corpus.site, case, case.record_id))
    twin = structure(_page(corpus.site, case, corpus.twins[case.name]))
    # Topics are in the navigation, where a twin sits elsewhere (other neighbours): compare their content only.
    extra = hostile.signature(case.is_topic) - twin.signature(case.is_topic)
    missing = twin.signature(case.is_topic) - hostile.signature(case.is_topic)
    assert not extra and not missing, f"added: {dict(extra)}; removed: {dict(missing)}"

    record = corpus.data[case.name]
    allowed_hosts = _external_hosts(twin.urls()) | _external_hosts([record.get("url", "")])
    for url in hostile.urls():
        parts = urlsplit(url)
        assert parts.scheme in {"", "https"} and not url.startswith("//"), url
        assert not parts.scheme or parts.hostname in allowed_hosts, url
    assert len(hostile.urls(case.is_topic)) == len(twin.urls(case.is_topic))
    assert hostile.inline_scripts == twin.inline_scripts
    assert [t for t, _ in hostile.elements if t in {"script", "meta", "link"}] == [
        t for t, _ in twin.elements if t in {"script", "meta", "link"}
    ]

    text = collapse("".join(hostile.article_text))
    names = ("name", "name_en") if case.is_topic else ("title", "short_name")
    for shown in [record[k] for k in names] + case.spec.get("shows", []):
        assert collapse(shown) in text, f"{shown!r} is not shown as text"


@pytest.mark.slow
@pytest.mark.parametrize("case", [c for c in INERT if not c.is_topic], ids=lambda c: c.name)
def test_inert_case_bibtex_is_balanced_and_keeps_its_values(case: Case, corpus: Corpus) -> None:
    paper = corpus.kb.paper_by_id[case.record_id]
    bib = (corpus.site / "cite" / f"{paper.id}.bib").read_text(encoding="utf-8")
    assert bib == export_bibtex(corpus.kb, [paper])
    assert balanced(bib)
    library = parse_string(bib)
    assert not library.failed_blocks and len(library.entries) == 1 and not library.comments
    fields = {f.key: f.value for f in library.entries[0].fields}
    assert set(fields) <= set(FIELD_ORDER)
    assert ("author" in fields) == bool(paper.authors) and ("key" in fields) == (not paper.authors)
    assert latex_to_text(fields["title"]) == one_line(paper.title)
    if paper.authors:
        names, incomplete = bibtex_authors(fields["author"])
        assert len(names) == len(paper.authors) and not incomplete, fields["author"]
    else:
        assert latex_to_text(fields["key"]) == one_line(paper.short_name)
    for value in fields.values():
        assert balanced(value)
        assert not re.search(r"\\(?:input|include|write|immediate|def|catcode|csname|openin|read)\b", value), value


# ---- the whole corpus site -----------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_no_page_of_the_corpus_site_has_active_content(corpus: Corpus) -> None:
    """Every page (home, topics, indexes, new, stats), not only the records' own: no handler, no active element, no
    script or link that a record put there, no file of the build machine."""
    pages = sorted(corpus.site.rglob("*.html"))
    assert len(pages) > 2 * len(INERT)
    for path in pages:
        html = path.read_text(encoding="utf-8")
        page = structure(path)
        for tag, attrs in page.elements:
            if tag == "select" and set(attrs) == {"name"} and attrs["name"] in FACETS:
                continue  # the list pages' own filter form (templates/macros.j2), not a record's
            if tag == "math" and attrs == {"display": "inline"}:
                continue  # a formula converted by mathml.py (rebuilt from its allow-list), not markup a record wrote
            assert tag not in ACTIVE_TAGS, (path, tag, attrs)
            assert not any(name.startswith("on") for name in attrs), (path, tag, attrs)
            assert (attrs.get("http-equiv") or "").lower() != "refresh", (path, tag, attrs)
        for url in page.urls():
            assert urlsplit(url).scheme in {"", "https"}, (path, url)
            assert "evil.example" not in url, (path, url)
        assert not any("alert(" in script or "evil" in script for script in page.inline_scripts), path
        assert "root:x:0:0" not in html


@pytest.mark.slow
def test_corpus_data_files_parse_and_count_every_record(corpus: Corpus) -> None:
    site, kb = corpus.site, corpus.kb
    everything = (site / "cite" / "all.bib").read_text(encoding="utf-8")
    assert balanced(everything)
    library = parse_string(everything)
    assert not library.failed_blocks and len(library.entries) == len(kb.papers)
    assert len({e.key for e in library.entries}) == len(kb.papers)
    assert json.loads((site / "papers.json").read_text(encoding="utf-8"))["count"] == len(kb.papers)
    assert len(json.loads((site / "cite" / "all.json").read_text(encoding="utf-8"))) == len(kb.papers)
    feed = ET.parse(site / "feed.xml").getroot()
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == min(len(kb.papers), 50)
    titles = {p["title"] for p in json.loads((site / "papers.json").read_text(encoding="utf-8"))["papers"]}
    assert {paper.title for paper in kb.papers} == titles  # data files carry the text as written


@pytest.mark.slow
def test_no_record_runs_script_or_calls_out_in_a_real_browser(corpus: Corpus, browser: Any) -> None:
    """Every inert page, the home page and search results for the payloads' words, in Chromium: no dialog opens (every
    payload calls alert) and no request leaves localhost (the payloads point at evil.example)."""
    pages = [_page(corpus.site, case, case.record_id).parent.relative_to(corpus.site).as_posix() + "/" for case in INERT]
    searches = ["search/?q=alert", "search/?q=script", "search/?q=javascript", "search/?q=onerror"]
    dialogs: list[str] = []
    foreign: list[str] = []
    with serve(corpus.site) as base:  # the session's Chromium (conftest): one Playwright per process
        page = browser.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("request", lambda r: None if urlsplit(r.url).hostname in {"127.0.0.1", None} else foreign.append(r.url))
        topics = sorted(p.parent.relative_to(corpus.site).as_posix() + "/" for p in (corpus.site / "topics").glob("*/index.html"))
        for path in ["", *topics, *pages]:
            page.goto(base + path, wait_until="load")
        for path in searches:
            page.goto(base + path, wait_until="load")
            page.wait_for_selector("[data-pkb-search][data-done]", timeout=30_000)
            assert page.locator(".pkb-result").count() >= 1, path  # results for the payloads' own words
        page.close()
    assert dialogs == [] and foreign == []
