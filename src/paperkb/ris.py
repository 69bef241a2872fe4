"""RIS export, the format Zotero, EndNote, Mendeley and NoteExpress all import.

Same facts as BibTeX and CSL-JSON (`citation.py` decides them), mapped to the tags Zotero's RIS importer reads
(translator `RIS.js`), since that importer is the one most readers will meet, and EndNote's reading agrees:

- ``TY``: ``CONF`` (Zotero: conferencePaper), ``JOUR`` (journalArticle), ``GEN`` for preprints and web documents
  (Zotero imports it as a journal article; it has no RIS type for a preprint).
- ``TI`` title; ``AU`` one author a line as ``Family, Given[, Suffix]`` (Zotero splits at the commas, so a comma inside
  a part becomes a space); a team-written report without people gets its team as one ``AU`` with no comma, which
  Zotero keeps as a single-field name.
- ``PY`` the citation's year (the venue's for a published paper, as in BibTeX).
- ``T2`` the proceedings or journal title (EndNote's secondary title; Zotero's conference name or publication), and
  for a conference paper also ``C3``, which Zotero reads as the proceedings title that its citation styles print.
- ``T3`` series, ``VL`` volume, ``SP``/``EP`` pages, ``PB`` publisher, ``CY`` place, ``DO`` DOI, ``UR`` URL.
- The arXiv id as ``DB  - arXiv`` and ``AN  - arXiv:<id>`` (Zotero's archive and "loc. in archive"), so a published
  paper keeps its free copy as BibTeX's ``eprint`` does.
- ``ID`` the citation key (the same as in the BibTeX and CSL-JSON exports; Zotero ignores it, EndNote keeps it as the
  label). No ``AB``: the abstract is the authors' text, not ours to redistribute, and the notes are in Chinese.

RIS has no escaping: a value is one line of text, ended by the line break. Every value therefore goes through
`citation.one_line`, which turns any line break or control character in a record into a space, so no value can start
a tag of its own. Records end with ``ER  -``; output is deterministic (records by citation key, tags in one order).
"""

from __future__ import annotations

from collections.abc import Iterable

from paperkb.citation import Facts, citation_facts, keys_for, one_line
from paperkb.kb import KnowledgeBase
from paperkb.models import Paper
from paperkb.names import split_name

_TYPES = {"conference": "CONF", "journal": "JOUR", "preprint": "GEN", "web": "GEN"}


def ris_name(name: str) -> str:
    """'Family, Given[, Suffix]' with commas inside a part turned into spaces (Zotero splits at every comma)."""
    parts = split_name(name)

    def clean(text: str) -> str:
        return one_line(text.replace(",", " "))

    family, given, suffix = clean(parts.full_family), clean(parts.given), clean(parts.suffix)
    if suffix:  # the RIS form keeps the empty given name, so 'Smith, Jr.' does not read as given name 'Jr.'
        return f"{family}, {given}, {suffix}"
    return f"{family}, {given}" if given else family or clean(name)


def _lines(paper: Paper, facts: Facts, key: str) -> list[tuple[str, str]]:
    tags: list[tuple[str, str]] = [("TY", _TYPES[facts.kind]), ("ID", key), ("TI", paper.title)]
    if paper.authors:
        tags += [("AU", ris_name(a)) for a in paper.authors]
    elif paper.team:
        tags.append(("AU", paper.team.replace(",", " ")))
    tags.append(("PY", str(facts.year)))
    if facts.container:
        tags.append(("T2", facts.container))
        if facts.kind == "conference":
            tags.append(("C3", facts.container))
    for tag, value in (("T3", facts.series), ("VL", facts.volume)):
        if value:
            tags.append((tag, value))
    if facts.pages:
        tags += [("SP", facts.pages[0]), ("EP", facts.pages[1])]
    for tag, value in (("PB", facts.publisher), ("CY", facts.address), ("DO", facts.doi), ("UR", facts.url)):
        if value:
            tags.append((tag, value))
    if facts.arxiv:
        tags += [("DB", "arXiv"), ("AN", f"arXiv:{facts.arxiv}")]
    return tags


def record_for(kb: KnowledgeBase, paper: Paper, key: str) -> str:
    """One RIS record for `paper` under citation key `key`, ending with the `ER` line."""
    out = []
    for tag, value in _lines(paper, citation_facts(kb, paper), key):
        text = one_line(value)
        if text:  # an empty tag line is noise to every importer
            out.append(f"{tag}  - {text}\n")
    out.append("ER  - \n")
    return "".join(out)


def export_ris(kb: KnowledgeBase, papers: Iterable[Paper]) -> str:
    """A .ris file for `papers`, records sorted by citation key and separated by a blank line."""
    chosen = {p.id: p for p in papers}
    keys = keys_for(kb, chosen.values())
    return "\n".join(record_for(kb, p, keys[p.id]) for p in sorted(chosen.values(), key=lambda p: keys[p.id]))
