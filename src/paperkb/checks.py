"""Rules that look across records, in one place.

A single record can be valid and still wrong for the knowledge base: its id clashes with another, it names a topic that
does not exist, it repeats an arXiv id already on file under another name. These checks run on every loaded file (valid
or not, using the raw values where the model failed) so that one `paperkb check` shows every problem of a pull request.
Pure: files in, problems out.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any

from paperkb import duplicates, glossary, hints, identifiers, models, names, neardup, notestandard, scaffold, urls, vocabulary
from paperkb.problems import Problem
from paperkb.records import RecordFile, field_name

_ALLOWED_CONTROL = {"\n"}
# Cc: controls (NUL, CR, tab, NEL); Cf: format characters (bidi overrides and isolates, zero-width, soft hyphen, BOM);
# Cs: lone surrogates, which LibYAML refuses but PyYAML's pure-Python parser lets through and which no UTF-8 file can hold.
_INVISIBLE = {"Cc", "Cf", "Cs"}
# Paper ids the site uses for something else, and ids Windows cannot hold as file names: `identifiers.reserved_id_problem`.
# Index pages live at `indexes/<kind>/<slug>/`, and `indexes/<kind>/index.md` is the list of them all.
RESERVED_GROUP_SLUGS = {"index"}
# Code points with no text: private use (U+E000 …) and unassigned (U+0378 …). A value made only of these (and spaces)
# shows nothing, and the citation exporters, which drop them, were left with an empty author name.
_NO_TEXT = {"Co", "Cn"}
_NOT_SHOWN = _NO_TEXT | _INVISIBLE


def _strings(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*path, key), key
            yield from _strings(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, (*path, i))
    elif isinstance(node, str):
        yield path, node


def invisible_characters(text: str) -> list[str]:
    """Control (Cc) and format (Cf: bidi overrides, zero-width) characters, except the newline of multi-line notes.

    None of these is printable, so a line that `str.isprintable()` passes (one C loop over the line) has none; only
    the rare other lines are looked at character by character. Looking at every character of 10,000 records in Python
    took most of `paperkb check`'s time.
    """
    return [
        ch
        for line in text.split("\n")
        if not line.isprintable()
        for ch in line
        if ch not in _ALLOWED_CONTROL and unicodedata.category(ch) in _INVISIBLE
    ]


def _noncharacter(ch: str) -> bool:
    code = ord(ch)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def text_problems(text: str) -> list[str]:
    """What is wrong with one contributed string on its own, as messages; `check` reports them for every string."""
    out = []
    bad = invisible_characters(text)
    if bad:
        names = ", ".join(sorted({f"U+{ord(ch):04X}" for ch in bad}))
        out.append(f"contains invisible control or bidi characters ({names}); delete them")
    # Noncharacters (U+FFFE, U+FDD0 …) are not text, and XML cannot hold them: one would break the Atom feed.
    nonchars = [ch for line in text.split("\n") if not line.isprintable() for ch in line if _noncharacter(ch)]
    if nonchars:
        out.append(f"contains Unicode noncharacters ({', '.join(sorted({f'U+{ord(ch):04X}' for ch in nonchars}))}); delete them")
    if text and not text.strip():
        # The models strip one-line fields, so "  " would become an empty title, or an author with no name.
        out.append("holds only spaces; write the text or remove the key")
    elif text and all(ch.isspace() or unicodedata.category(ch) in _NOT_SHOWN for ch in text):
        points = ", ".join(sorted({f"U+{ord(ch):04X}" for ch in text if unicodedata.category(ch) in _NO_TEXT}))
        if points:
            out.append(f"holds no text, only private-use or unassigned code points ({points}); write the text")
    return out


def _raw(file: RecordFile, key: str) -> Any:
    data = file.doc.data if file.doc else None
    return data.get(key) if isinstance(data, dict) else None


def _id(file: RecordFile) -> str | None:
    """The record's id when it is text. Any other value (a list, a number) has its own error from the model, and must
    not reach the cross-record rules: a list there cannot even be put in a set (`id: [x]` ended in a traceback)."""
    rid = _raw(file, "id")
    return rid if isinstance(rid, str) else None


def _problem(file: RecordFile, keys: tuple[str | int, ...], message: str, severity: str = "error") -> Problem:
    loc = file.loc(*keys)
    return Problem(file.path, loc.line, loc.col, field_name(keys), message, severity)  # type: ignore[arg-type]


def string_problems(file: RecordFile) -> list[Problem]:
    """`text_problems` of every key and string value of one file, located: a pure function of the file, so
    `repository.load_files` keeps it in the parse cache with the file (a third of `check` at 10,000 records)."""
    if file.doc is None:
        return []
    return [_problem(file, keys, message) for keys, text in _strings(file.doc.data) for message in text_problems(text)]


def check(
    files: list[RecordFile],
    focus: Collection[str] = (),
    *,
    strings: bool = True,
    near: Mapping[str, neardup.Item | None] | None = None,
) -> list[Problem]:
    """Every cross-record problem among `files`, sorted.

    `focus` names the files being checked (`paperkb check PATHS`, `--changed`): when one of two records must be blamed
    for a clash, it is the focused one, since the other is not the contributor's to delete. Without a focus the newer
    record is blamed (later `added`, then path). `strings=False`: the caller has the files' `string_problems` already;
    `near`: what near-duplicate matching compares of each paper, by path, where the caller has it (`duplicates.item_of`).
    """
    problems: list[Problem] = []
    papers = [f for f in files if f.kind == "paper"]
    topics = [f for f in files if f.kind == "topic"]

    if strings:
        for file in files:
            problems += string_problems(file)

    # Ids: equal to the file name, unique, and file names unique even on case-insensitive file systems.
    for group in (papers, topics):
        by_casefold: dict[str, list[RecordFile]] = defaultdict(list)
        for file in group:
            stem = PurePosixPath(file.path).stem
            by_casefold[stem.casefold()].append(file)
            rid = _id(file)
            if rid is not None and rid != stem:
                problems.append(
                    _problem(file, ("id",), f"id '{rid}' must equal the file name; rename the file to {rid}.yaml or fix the id")
                )
            reserved = identifiers.reserved_id_problem(rid, paper=group is papers) if rid is not None else None
            if reserved:
                problems.append(_problem(file, ("id",), reserved))
        for clash in by_casefold.values():
            if len(clash) > 1:
                names = ", ".join(f.path for f in clash[:3]) + (f" and {len(clash) - 3:,} more" if len(clash) > 3 else "")
                for file in clash:
                    problems.append(_problem(file, (), f"file names differ only in case ({names}); keep one record"))

    problems += duplicates.same_arxiv(papers, focus)

    paper_ids = {rid for f in papers if (rid := _id(f)) is not None}
    vocab = _registries(files, problems)
    vocab.topics = {rid for f in topics if (rid := _id(f)) is not None}
    topic_ids = vocab.topics

    for file in topics:
        name = _raw(file, "name")
        if isinstance(name, str) and ("<" in name or ">" in name):
            # MkDocs takes page titles in the navigation from this name, and Material prints them unescaped (the
            # previous/next links of the neighbouring pages): `<` would start an element there.
            problems.append(
                _problem(file, ("name",), "is shown in the site's navigation, which treats it as HTML; write it without `<` and `>`")
            )
        parent = _raw(file, "parent")
        if isinstance(parent, str) and parent not in topic_ids:
            problems.append(_problem(file, ("parent",), f"unknown topic '{parent}'; use an existing topic id or remove `parent`"))
    problems += _topic_tree(topics)

    for file in papers:
        placeholder = scaffold.placeholder(file.path, file.doc, paper_ids) if file.doc else None
        if placeholder:
            problems.append(placeholder)
        paper = file.model if isinstance(file.model, models.Paper) else None
        for key, rule in (
            ("topics", vocabulary.topic_problem),
            ("tags", vocabulary.tag_problem),
            ("institutions", vocabulary.institution_problem),
        ):
            for i, value in enumerate(_list(file, key)):
                if isinstance(value, str) and (message := rule(value, vocab)):
                    problems.append(_problem(file, (key, i), message))
        for i, rel in enumerate(_list(file, "related")):
            if rel == _id(file):
                problems.append(_problem(file, ("related", i), "a paper cannot be related to itself; remove it"))
            elif isinstance(rel, str) and rel not in paper_ids:
                hint = hints.did_you_mean(rel, paper_ids)
                problems.append(_problem(file, ("related", i), f"unknown paper id '{rel}';{hint or ' use the id of a record in papers/'}"))
        if paper is None:
            continue
        problems += _paper_facts(file, paper, vocab)

    problems += duplicates.likely_duplicates(papers, focus, near)
    problems += glossary.check(files, paper_ids)
    return sorted(set(problems))


def _list(file: RecordFile, key: str) -> list[Any]:
    value = _raw(file, key)
    return value if isinstance(value, list) else []


def _paper_facts(file: RecordFile, paper: models.Paper, vocab: vocabulary.Vocabulary) -> list[Problem]:
    out = []
    if paper.arxiv is None and paper.url is None and paper.doi is None:
        out.append(_problem(file, (), "a paper needs `arxiv`, or `url`/`doi` when it is not on arXiv"))
    out += [_problem(file, ("authors", i), why) for i, a in enumerate(paper.authors or []) if (why := names.family_first_problem(a))]
    if paper.code and paper.code.split("/", 1)[1] in {".", ".."}:
        out.append(_problem(file, ("code",), f"'{paper.code}' names no repository; write the GitHub 'owner/repo' of the code"))
    if paper.arxiv and paper.url:
        out.append(_problem(file, ("url",), "`url` is only for papers not on arXiv; links are built from `arxiv` — remove `url`"))
    if paper.arxiv:
        first = identifiers.arxiv_year(paper.arxiv)
        # An id is assigned when a paper is announced: a version submitted on 31 December can carry a January id.
        allowed = {first, first - 1} if first is not None and paper.arxiv[2:4] == "01" else {first}
        if first is not None and paper.year not in allowed:
            out.append(
                _problem(file, ("year",), f"year {paper.year} contradicts arXiv id {paper.arxiv} (first version {first}); use {first}")
            )
    if paper.published and paper.published.year != paper.year:
        out.append(
            _problem(file, ("published",), f"date {paper.published} is not in `year` {paper.year}; `published` is the first version's date")
        )
    venue_problem = vocabulary.venue_problem(paper.venue, paper.year, vocab) if paper.venue else None
    if venue_problem:
        out.append(_problem(file, ("venue",), venue_problem))
    if paper.anthology:
        out += _anthology_facts(file, paper, paper.anthology, vocab.venues)
    if paper.added < (paper.published or paper.added):
        out.append(_problem(file, ("added",), "`added` is before the paper appeared; use the date the record was added"))
    parts = identifiers.split_venue(paper.venue) if paper.venue else None
    venue_known = bool(parts and vocab.venues is not None and parts[0] in vocab.venues)
    if venue_known and not paper.authors and not paper.team:
        # Every BibTeX style warns on a published paper without an author ("empty author in …"), and the citation is
        # wrong: the record should name them.
        out.append(
            _problem(
                file,
                ("venue",),
                "a published paper is cited with its authors: add the complete `authors` list (or `team` for a team-written report)",
                "warning",
            )
        )
    out += [_problem(file, keys, message, "warning") for keys, message in notestandard.note_problems(paper)]
    return out


def _anthology_facts(file: RecordFile, paper: models.Paper, anthology: str, venues: dict[str, models.Venue] | None) -> list[Problem]:
    """An Anthology id (`paper.anthology`) must agree with the venue (year, a listed volume) and with an Anthology DOI."""
    parts = identifiers.split_venue(paper.venue) if paper.venue else None
    if parts is None:
        return [_problem(file, ("anthology",), "an Anthology id needs the paper's `venue` too, e.g. 'EMNLP 2023'")]
    out = []
    if identifiers.anthology_year(anthology) != parts[1]:
        out.append(_problem(file, ("anthology",), f"Anthology id {anthology} is not from {paper.venue}; check the id on aclanthology.org"))
    want = f"10.18653/v1/{anthology}"
    if paper.doi and paper.doi.startswith("10.18653/") and paper.doi != want:
        out.append(_problem(file, ("doi",), f"DOI {paper.doi} does not name Anthology paper {anthology}; write '{want}'"))
    venue = (venues or {}).get(parts[0])
    edition = venue.edition(parts[1]) if venue else None
    volume = identifiers.anthology_volume(anthology)
    if venues is not None and venue is not None and (edition is None or volume not in {v.anthology for v in edition.volumes}):
        out.append(
            _problem(
                file,
                ("anthology",),
                f"Anthology volume {volume} is not listed for {paper.venue} in registry/venues.yaml; check the id and the "
                f"venue on aclanthology.org, and if both are right, {vocabulary.ASK}",
            )
        )
    return out


def _editions(file: RecordFile, i: int, venue: models.Venue) -> list[Problem]:
    """Editions oldest first, one per year; an edition's Anthology volumes are from its own year."""
    out = []
    years = [e.year for e in venue.editions]
    for j, edition in enumerate(venue.editions):
        if j and edition.year <= years[j - 1]:
            out.append(_problem(file, ("venues", i, "editions", j, "year"), "editions must be listed oldest first, one per year"))
        for k, vol in enumerate(edition.volumes):
            if identifiers.anthology_year(vol.anthology) != edition.year:
                out.append(
                    _problem(
                        file, ("venues", i, "editions", j, "volumes", k, "anthology"), f"volume {vol.anthology} is not from {edition.year}"
                    )
                )
    return out


def vocabulary_of(files: list[RecordFile]) -> vocabulary.Vocabulary:
    """What records may name, from loaded files (for the JSON Schema's enumerations); registry problems are ignored."""
    vocab = _registries(files, [])
    vocab.topics = {rid for f in files if f.kind == "topic" and (rid := _id(f)) is not None}
    return vocab


def _registries(files: list[RecordFile], problems: list[Problem]) -> vocabulary.Vocabulary:
    """Vocabularies from registry files; None where a registry is missing or invalid (its own problems say why)."""
    tags: set[str] | None = None
    canon: set[str] | None = None
    alias: dict[str, str] = {}
    venues: dict[str, models.Venue] | None = None
    venue_alias: dict[str, str] = {}
    for file in files:
        if isinstance(file.model, models.TagFile):
            tags = set()
            for i, tag in enumerate(file.model.tags):
                if tag.id in tags:
                    problems.append(_problem(file, ("tags", i, "id"), f"tag '{tag.id}' is listed twice; keep one"))
                elif tag.id in RESERVED_GROUP_SLUGS:
                    problems.append(
                        _problem(file, ("tags", i, "id"), f"tag id '{tag.id}' is reserved for the list of all tags; choose another")
                    )
                elif reserved := identifiers.reserved_id_problem(tag.id, paper=False):
                    problems.append(_problem(file, ("tags", i, "id"), f"tag {reserved}"))
                tags.add(tag.id)
        elif isinstance(file.model, models.InstitutionFile):
            canon = set()
            seen: dict[str, str] = {}
            inst_pages: dict[str, str] = {}
            for i, inst in enumerate(file.model.institutions):
                for name in (inst.name, *inst.aliases, *([inst.name_zh] if inst.name_zh else [])):
                    if name in seen and seen[name] != inst.name:
                        problems.append(
                            _problem(file, ("institutions", i), f"'{name}' also names '{seen[name]}'; one name, one institution")
                        )
                    seen[name] = inst.name
                canon.add(inst.name)
                problems += _page_clash(file, ("institutions", i, "name"), inst.name, inst_pages)
                for name in (*inst.aliases, *([inst.name_zh] if inst.name_zh else [])):
                    if name != inst.name:
                        alias[name] = inst.name
        elif isinstance(file.model, models.VenueFile):
            venues = {}
            venue_pages: dict[str, str] = {}
            for i, venue in enumerate(file.model.venues):
                if venue.name in venues:
                    problems.append(_problem(file, ("venues", i, "name"), f"venue '{venue.name}' is listed twice; keep one"))
                else:
                    problems += _page_clash(file, ("venues", i, "name"), venue.name, venue_pages)
                venues[venue.name] = venue
                problems += _editions(file, i, venue)
                for name in venue.aliases:
                    venue_alias[name] = venue.name
    return vocabulary.Vocabulary(set(), tags, canon, alias, venues, venue_alias)


def _page_clash(file: RecordFile, keys: tuple[str | int, ...], name: str, pages: dict[str, str]) -> list[Problem]:
    """Two registry names that give the same index page address would silently share (and overwrite) one page."""
    slug = urls.slug(name)
    if slug in RESERVED_GROUP_SLUGS:
        return [_problem(file, keys, f"'{name}' would get the page address '{slug}', which the list of all entries uses; rename it")]
    if slug in identifiers.WINDOWS_RESERVED:
        return [_problem(file, keys, f"'{name}' would get the page file '{slug}.md', a device name on Windows; rename it")]
    if slug in pages and pages[slug] != name:
        return [
            _problem(
                file, keys, f"'{name}' and '{pages[slug]}' would share the index page '{slug}'; make the names differ in letters or digits"
            )
        ]
    pages[slug] = name
    return []


# Deeper trees are refused: the navigation, breadcrumbs and topic pages walk the tree, and a chain of 200 nested
# topics crashed the build. Ten levels is far more than any field needs.
MAX_TOPIC_DEPTH = 10


def _topic_tree(topics: list[RecordFile]) -> list[Problem]:
    """Cycles and over-deep topics, in one pass: every topic's depth is computed once (linear in the number of topics).

    Depth 1 is a top-level topic; a topic whose `parent` is unknown counts as top-level (its own problem says why).
    Topics in a cycle, or below one, have no depth.
    """
    files = {rid: f for f in topics if (rid := _id(f)) is not None}
    up = {tid: p for tid, f in files.items() if isinstance(p := _raw(f, "parent"), str) and p in files}
    depth: dict[str, int | None] = {}
    cyclic: list[str] = []
    for start in files:
        path: list[str] = []
        index: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in depth and node not in index:
            index[node] = len(path)
            path.append(node)
            node = up.get(node)
        below: int | None
        if node is not None and node in index:  # the walk came back to itself
            loop = path[index[node] :]
            cyclic += loop
            depth.update(dict.fromkeys(loop))
            path, below = path[: index[node]], None
        else:
            below = 0 if node is None else depth[node]
        for tid in reversed(path):
            below = None if below is None else below + 1
            depth[tid] = below
    out = [_problem(files[tid], ("parent",), "topic tree has a cycle through this topic; point `parent` up the tree") for tid in cyclic]
    for tid, level in depth.items():
        if level is not None and level > MAX_TOPIC_DEPTH:
            message = f"topic is nested {level} levels deep; topics nest at most {MAX_TOPIC_DEPTH} levels — choose a parent higher up"
            out.append(_problem(files[tid], ("parent",), message))
    return out
