"""Importing a .bib file: draft records for the papers the knowledge base lacks, and a report on everything else.

A contributor's .bib (from Google Scholar, arXiv, DBLP, a paper's own page) is a quick start for new records, not a
source of verified facts: every draft says so in a comment, and leaves the fields only a reader can write (`tldr`, the
notes, a missing `short_name`) as empty strings with a TODO comment, which `paperkb check` rejects until they are written.
Nothing is ever overwritten: a paper that is already a record (same arXiv id, same DOI, or the same title up to case,
spacing and punctuation) is skipped and the report names the record; so is a second entry for a paper earlier in the file.

This module is pure (text in, report with YAML text out); `paperkb import-bib` reads the file and writes the drafts.

What is taken from an entry:

- arXiv id from `eprint`, an arxiv.org `url`, arXiv's DOI, or "arXiv:…" in `journal`/`note`/`howpublished`; the year then
  comes from the id (the first version's year; arXiv's own BibTeX gives the latest version's).
- `title`, `year`, publisher `doi`, an https `url` for papers not on arXiv; authors turned from BibTeX's "Last, First" into
  "First Last". An author list ending in "and others" is incomplete, and records hold complete lists or none, so it is
  written as a comment to complete.
- `venue` only when `booktitle`/`journal` names a series of registry/venues.yaml (its full name, short name or an alias,
  ignoring "Proceedings of the", ordinals, numbers and parentheses, and what follows a colon or comma when the whole name
  does not match), with the entry's year.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from bibtexparser.entrypoint import parse_string
from bibtexparser.library import Library
from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ParsingFailedBlock
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db  # type: ignore[import-untyped]

from paperkb import identifiers, neardup, yamlload
from paperkb.citation import one_line
from paperkb.kb import KnowledgeBase
from paperkb.models import Venue

# Text macros our own export writes (bibtex.latex_escape), which pylatexenc does not know by default.
_TEXT_MACROS = {
    "textbraceleft": "{",
    "textbraceright": "}",
    "textbackslash": "\\",
    "textasciitilde": "~",
    "textasciicircum": "^",
    "textless": "<",
    "textgreater": ">",
    "textbar": "|",
}
# "arXiv:2106.09685", "arXiv preprint arXiv:2106.09685v2", "arXiv hep-th/9901001". No two neighbouring parts may match the
# same characters (the old `[:\s]+ … \s*` did): `arxiv` + 20,000 spaces then took 10 s to fail.
_ARXIV_MENTION = re.compile(
    r"arxiv[:\s]+(?:preprint\s+)?(?:arxiv:\s*)?(?P<id>[a-z\-]+(?:\.[A-Z]{2})?/\d{7}|\d{4}\.\d{4,5})(?:v\d+)?", re.I | re.ASCII
)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(?P<id>.+)$", re.I)
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d|2100)(?!\d)", re.ASCII)
_VENUE_NOISE = [
    re.compile(r"\bproceedings of( the)?\b"),
    re.compile(r"\b\d+(st|nd|rd|th)\b"),
    re.compile(r"\b\d+\b"),
]
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/paper.schema.json"


@dataclass(frozen=True)
class Created:
    """A draft record for a paper the knowledge base lacks."""

    key: str
    line: int
    id: str
    path: str
    text: str


@dataclass(frozen=True)
class Skipped:
    """An entry not imported because its paper is already there; `record` is the record id when there is one."""

    key: str
    line: int
    reason: str
    record: str | None = None


@dataclass(frozen=True)
class Unparseable:
    """A block the parser could not read, or an entry a record cannot be made from."""

    line: int
    message: str


@dataclass(frozen=True)
class Similar:
    """A draft that is likely the same paper as a record (or an earlier draft) under another title: a warning."""

    path: str  # the draft's file
    other: str  # the record's file, or the earlier draft's
    reason: str


@dataclass(frozen=True)
class ImportReport:
    created: tuple[Created, ...]
    skipped: tuple[Skipped, ...]
    unparseable: tuple[Unparseable, ...]
    similar: tuple[Similar, ...] = ()


@cache
def _converter() -> LatexNodes2Text:
    db = get_default_latex_context_db()
    db.add_context_category(
        "paperkb", prepend=True, macros=[MacroTextSpec(name, simplify_repl=text) for name, text in _TEXT_MACROS.items()]
    )
    return LatexNodes2Text(latex_context=db, math_mode="verbatim", strict_latex_spaces=True)


# pylatexenc is linear but slow (~7 µs a character): a 200,000-character booktitle took over a second. Record fields hold
# at most 300 characters and our own escape writes at most 17 for one, so nothing past this prefix can reach a record.
MAX_LATEX = 20_000


def latex_to_text(value: str) -> str:
    """A BibTeX value as plain Unicode text: accents and escapes decoded, case-protecting braces dropped, one line.

    Only the first MAX_LATEX characters are read.
    """
    value = value[:MAX_LATEX]
    try:
        text: str = _converter().latex_to_text(value)
    except Exception:  # pylatexenc is tolerant, but a hostile file must never stop an import; keep the raw text
        text = value.replace("{", "").replace("}", "")
    return one_line(text)


def normalised_title(title: str) -> str:
    """Case, spacing and punctuation dropped, so 'LoRA: Low-rank …' and 'Lora - low rank …' compare equal."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", title).casefold() if ch.isalnum())


def _drop_parentheses(text: str) -> str:
    """Each `(` up to the next `)` becomes a space, as `re.sub(r"\\([^)]*\\)", " ", text)` would, in one pass.

    The pattern itself rescans the rest of the text from every `(` that has no `)` after it: a booktitle of 200,000
    `(` took 29 s.
    """
    out = []
    pos = 0
    while (start := text.find("(", pos)) >= 0 and (end := text.find(")", start)) >= 0:
        out += [text[pos:start], " "]
        pos = end + 1
    return "".join(out) + text[pos:]


def _venue_text(text: str) -> str:
    text = _drop_parentheses(text.casefold().replace("&", " and "))
    for noise in _VENUE_NOISE:
        text = noise.sub(" ", text)
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _venue_index(venues: Iterable[Venue]) -> dict[str, str]:
    index: dict[str, str] = {}
    for venue in venues:
        for name in (venue.full, venue.name, *venue.aliases):
            index.setdefault(_venue_text(name), venue.name)
    return index


def _arxiv_id(fields: dict[str, str]) -> str | None:
    """The arXiv id an entry names anywhere arXiv ids are usually put, or None."""
    candidates = []
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "arxiv").casefold()
    if fields.get("eprint") and prefix == "arxiv":
        candidates.append(fields["eprint"])
    if "arxiv.org/" in fields.get("url", ""):
        candidates.append(fields["url"])
    doi = _ARXIV_DOI.match(_DOI_PREFIX.sub("", fields.get("doi", "")))
    if doi:
        candidates.append(doi["id"])
    for name in ("journal", "note", "howpublished", "booktitle", "eprint"):
        mention = _ARXIV_MENTION.search(fields.get(name, ""))
        if mention:
            candidates.append(mention["id"])
    for raw in candidates:
        bare = identifiers.normalise_arxiv(raw.strip())
        if identifiers.arxiv_problem(bare) is None:
            return bare
    return None


def _doi(fields: dict[str, str]) -> str | None:
    doi = _DOI_PREFIX.sub("", fields.get("doi", "").strip())
    if not doi or _ARXIV_DOI.match(doi) or not re.fullmatch(identifiers.DOI, doi):
        return None
    return doi


def split_persons(raw: str) -> list[str]:
    """BibTeX's own rule: names are separated by the word "and" (any case) between spaces, outside braces.

    Backslashes mean nothing here, as in BibTeX; bibtexparser's splitter skips the character after one, so a name
    written `\\_` would swallow the next "and" there.
    """
    words: list[str] = []
    depth = 0
    current = ""
    for ch in raw:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if ch.isspace() and depth <= 0:
            if current:
                words.append(current)
            current = ""
        else:
            current += ch
    if current:
        words.append(current)
    persons: list[list[str]] = [[]]
    for word in words:
        if word.casefold() == "and":
            persons.append([])
        else:
            persons[-1].append(word)
    return [" ".join(p) for p in persons if p]


def bibtex_authors(raw: str) -> tuple[list[str], bool]:
    """Names in natural order, and whether the list was cut short with 'and others'."""
    names: list[str] = []
    incomplete = False
    for person in split_persons(raw):
        try:
            parts = parse_single_name_into_parts(person, strict=False)
        except InvalidNameError:
            parts = None
        if parts is None:
            words = [person]
        elif parts.last == ["others"] and not (parts.first or parts.von or parts.jr):
            incomplete = True
            continue
        else:
            words = [*parts.first, *parts.von, *parts.last, *parts.jr]
        name = latex_to_text(" ".join(words))
        if name:
            names.append(name[:300])
    return names, incomplete


def _q(text: str) -> str:
    """A YAML double-quoted scalar that reads back as `text` (`yamlload.quoted`)."""
    return yamlload.quoted(text)


@dataclass(frozen=True)
class _Draft:
    key: str
    line: int
    title: str
    authors: list[str]
    incomplete_authors: bool
    year: int | None
    arxiv: str | None
    doi: str | None
    url: str | None
    venue: str | None


def _draft(entry: Entry, venues: dict[str, str]) -> _Draft | str:
    """What a record can take from one entry, or why no record can be made from it."""
    fields = {f.key.casefold(): str(f.value) for f in entry.fields}
    title = latex_to_text(fields.get("title", ""))[:300]
    if not title:
        return f"entry '{one_line(entry.key)}' has no title; a record needs one"
    arxiv = _arxiv_id(fields)
    year_match = _YEAR.search(fields.get("year", "") or fields.get("date", ""))
    bib_year = int(year_match[0]) if year_match else None
    year = identifiers.arxiv_year(arxiv) if arxiv else bib_year
    raw_url = fields.get("url", "").strip()
    url = raw_url if not arxiv and raw_url and identifiers.https_url_problem(raw_url) is None else None
    venue = None
    container = latex_to_text(fields.get("booktitle") or fields.get("journal") or "")
    # the whole name, else the part before a colon or comma ("…Linguistics: Human Language Technologies, Volume 1")
    tries = [container, re.split(r"[:,]", container)[0]] if container else []
    series = next((venues[v] for v in map(_venue_text, tries) if v in venues), None)
    if series and bib_year and (year is None or bib_year >= year):
        venue = f"{series} {bib_year}"
    authors, incomplete = bibtex_authors(fields["author"]) if fields.get("author") else ([], False)
    return _Draft(one_line(entry.key), (entry.start_line or 0) + 1, title, authors, incomplete, year, arxiv, _doi(fields), url, venue)


def _record_text(draft: _Draft, record_id: str, topic: str, added: dt.date, source: str) -> str:
    """The draft as YAML, fields in the model's order, unknowns as empty strings with a TODO comment."""
    short = identifiers.title_short_name(draft.title)
    lines = [
        SCHEMA_LINE,
        f"# Drafted by `paperkb import-bib` from {one_line(source)}, entry '{draft.key}'. Check every fact against the",
        "# paper, then fill in the TODO fields: `paperkb check` rejects this file until they are written.",
        f"id: {record_id}",
        f"title: {_q(draft.title)}",
        f"short_name: {_q(short)}" + ("" if short else "  # TODO: the name people use for the paper or its method"),
    ]
    if draft.arxiv:
        lines.append(f"arxiv: {_q(draft.arxiv)}")
    if draft.doi:
        lines.append(f"doi: {_q(draft.doi)}")
    if draft.url:
        lines.append(f"url: {_q(draft.url)}")
    if not (draft.arxiv or draft.doi or draft.url):
        lines.append('arxiv: ""  # TODO: the arXiv id, e.g. "2106.09685"; for a paper not on arXiv, replace with url: or doi:')
    if draft.authors and not draft.incomplete_authors:
        lines += ["authors:", *(f"  - {_q(a)}" for a in draft.authors)]
    elif draft.authors:
        lines.append("# TODO: the .bib ends its author list with 'and others'; add the missing authors, then uncomment:")
        lines += ["# authors:", *(f"#   - {_q(a)}" for a in draft.authors)]
    if draft.year is not None:
        lines.append(f"year: {draft.year}")
    else:
        lines.append('year: ""  # TODO: the year of the first version')
    if draft.venue:
        lines.append(f"venue: {_q(draft.venue)}")
    lines += [
        f"topics: [{topic}]",
        'tldr: ""  # TODO: one line in Chinese: what the paper does and why it matters',
        "notes:",
        '  motivation: ""  # TODO 动机: the problem the paper attacks and why earlier work falls short',
        '  method: ""  # TODO 方法: the idea and how it works',
        '  results: ""  # TODO 结果: what it showed, with headline numbers',
        '  limitations: ""  # TODO 局限: what it does not show, its costs, what later work found',
        f'added: "{added.isoformat()}"',
    ]
    return "\n".join(lines) + "\n"


def import_bib(
    kb: KnowledgeBase, text: str, topic: str, added: dt.date, *, source: str = "a .bib file", taken_ids: Iterable[str] = ()
) -> ImportReport:
    """Draft records for the entries of `text` that are not in `kb` yet; report the rest.

    `topic` must be a topic id of `kb` (the CLI checks it); `taken_ids` adds ids in use beyond `kb`'s records (files on
    disk), so a draft never gets the name of an existing file.
    """
    if topic not in kb.topic_by_id:
        raise ValueError(f"bug: topic {topic!r} is not in the knowledge base; the caller checks it")
    library: Library = parse_string(text)
    by_arxiv = {p.arxiv: p.id for p in kb.papers if p.arxiv}
    by_doi = {p.doi.casefold(): p.id for p in kb.papers if p.doi}
    by_title = {normalised_title(p.title): p.id for p in kb.papers}
    taken = set(kb.paper_by_id) | set(taken_ids)
    items = [neardup.Item(f"papers/{p.id}.yaml", p.title, neardup.surnames(p.authors or ()), p.year) for p in kb.papers]
    venues = _venue_index(kb.venues)
    created: list[Created] = []
    skipped: list[Skipped] = []
    unparseable: list[Unparseable] = []
    new: dict[tuple[str, str], str] = {}  # (kind, value) -> citation key of an entry drafted earlier in this file
    first_line = {e.key: (e.start_line or 0) + 1 for e in library.entries}

    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            key = one_line(block.key)
            skipped.append(Skipped(key, line, f"duplicate citation key '{key}' (first at line {first_line.get(block.key, '?')})"))
            continue
        if isinstance(block, ParsingFailedBlock):
            reason = getattr(block.error, "abort_reason", None) or str(block.error) or type(block.error).__name__
            unparseable.append(Unparseable(line, one_line(f"not valid BibTeX: {reason}")))
            continue
        if not isinstance(block, Entry):
            continue
        draft = _draft(block, venues)
        if isinstance(draft, str):
            unparseable.append(Unparseable(line, draft))
            continue
        # (what is compared, its value in this entry, the record that has it, why it counts as the same paper)
        idents = [
            ("arxiv", draft.arxiv or "", by_arxiv, f"same arXiv id {draft.arxiv}"),
            ("doi", (draft.doi or "").casefold(), by_doi, f"same DOI {draft.doi}"),
            ("title", normalised_title(draft.title), by_title, "same title"),
        ]
        hit = next(((index[value], reason) for _, value, index, reason in idents if value and value in index), None)
        if hit:
            skipped.append(Skipped(draft.key, line, f"{hit[1]} as papers/{hit[0]}.yaml", hit[0]))
            continue
        seen = [(kind, value) for kind, value, _, _ in idents if value]
        earlier = next((new[s] for s in seen if s in new), None)
        if earlier:
            skipped.append(Skipped(draft.key, line, f"same paper as entry '{earlier}' earlier in this file"))
            continue
        record_id = identifiers.unique_id(
            identifiers.record_slug(identifiers.title_short_name(draft.title) or draft.title)
            or identifiers.record_slug(draft.key)
            or "imported-paper",
            taken,
        )
        taken.add(record_id)
        for s in seen:
            new[s] = draft.key
        text_out = _record_text(draft, record_id, topic, added, source)
        created.append(Created(draft.key, line, record_id, f"papers/{record_id}.yaml", text_out))
        items.append(neardup.Item(f"papers/{record_id}.yaml", draft.title, neardup.surnames(draft.authors), draft.year))
    # Exact arXiv ids, DOIs and titles were skipped above; what is left may still be a paper on file under another
    # title (its v1 title, a dropped subtitle): each draft is compared with the records and the drafts before it.
    drafts = {c.path for c in created}
    similar = [Similar(items[j].where, items[i].where, why) for i, j, why in neardup.pairs(items) if items[j].where in drafts]
    return ImportReport(tuple(created), tuple(skipped), tuple(unparseable), tuple(similar))
