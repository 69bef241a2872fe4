"""BibTeX export: one entry per paper, built with bibtexparser's model and written by its writer.

The writer copies values verbatim, so everything that makes a value safe is done here, in `latex_escape`, which every
text value passes through (URL-like fields pass through `_verbatim` instead; see there). A title is untrusted text from a
pull request: written raw, `Nice}, author = {Mallory` ends the field early and makes BibTeX cite "Mallory" (exit code 0,
one line in the .blg), and `\\input{x}` makes LaTeX read a file into the citing author's PDF. After encoding, every value
is checked for balanced braces before it is written.

Decisions (what goes into a citation, the year rule among them, is decided in `citation.py`, shared with CSL-JSON):

- Entry type: a conference paper is `@inproceedings` (booktitle), a journal paper `@article` (journal), anything else
  `@misc`, carrying arXiv's own fields (`eprint`, `archivePrefix`, and `primaryClass` when the record knows it) when it
  has an arXiv id. Published papers keep their `eprint` too, so biblatex users get a link to the free copy.
- A published paper carries what its proceedings' own BibTeX carries, as far as the registry's edition and the record
  know it: `series`, `volume`, `pages` (`4171--4186`), `address`, `publisher`. An ACL-family paper with an Anthology id
  comes out as the Anthology exports it: full volume title, pages, address, publisher, DOI `10.18653/v1/<id>` and the
  Anthology URL (editors and month are left out: they do not help a reader find the paper).
- A team-written report (the record's `team`, e.g. `Qwen Team`) is cited with the team as one braced corporate author,
  `{Qwen Team}`, when the record lists no people. Otherwise papers without authors get no `author` field (we do not
  turn an affiliation into an author); they get `key = {<short_name>}`, the field BibTeX styles sort and label by
  when there is no author. A published paper without authors still makes styles warn about the missing author, which
  is true: the record should list them.
- Non-ASCII: Latin letters with one accent, and the letters ø, ł, ß, æ, œ, å, become BibTeX special characters such as
  `{\\"{u}}` and `{\\L}`, which every BibTeX and biber read, sort and abbreviate correctly. Any other non-ASCII character
  (Greek, Chinese, symbols) stays UTF-8, so such entries need a UTF-8 aware toolchain: biber, or bibtex with LaTeX's
  default UTF-8 input encoding (LaTeX 2018 or later).
- Capitals: styles lower-case titles, so title words with a capital after the first character, or with a capital and a
  digit (`LoRA`, `GPT`, `BERT`, `T5`), are protected with braces (`{LoRA}`, `{GPT}-4`); ordinary capitalised words
  ("Adaptation") are left for the style to case.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import quote

from bibtexparser.entrypoint import write_string
from bibtexparser.library import Library
from bibtexparser.middlewares import default_unparse_stack
from bibtexparser.model import Entry, Field
from bibtexparser.writer import BibtexFormat

from paperkb.citation import citation_facts, keys_for, one_line
from paperkb.kb import KnowledgeBase
from paperkb.models import Paper
from paperkb.names import split_name

__all__ = ["FIELD_ORDER", "entry_for", "export_bibtex", "latex_escape"]

# Fixed order, one place: entries read the same in every export and diffs of a .bib stay small.
FIELD_ORDER = (
    "author",
    "title",
    "booktitle",
    "journal",
    "series",
    "volume",
    "pages",
    "year",
    "address",
    "publisher",
    "key",
    "eprint",
    "archivePrefix",
    "primaryClass",
    "doi",
    "url",
)

# Characters LaTeX or BibTeX would interpret. Braces and backslash become text macros, never `\{`: BibTeX counts braces
# without looking at backslashes, so `\{` would unbalance the value. `<`, `>` and `|` print as ¡, ¿ and — in LaTeX's
# default OT1 font encoding, so they get their text macros too.
_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
# Pairs TeX fonts turn into other glyphs (en dash, curly quotes, ¡ ¿, „); an empty group between them keeps the text.
_LIGATURES = frozenset({"--", "''", "``", ",,", "!`", "?`"})
# Combining accents LaTeX has a standard command for, in BibTeX's special-character form `{\"{u}}`.
_ACCENTS = {
    "\u0300": "`",
    "\u0301": "'",
    "\u0302": "^",
    "\u0303": "~",
    "\u0304": "=",
    "\u0306": "u",
    "\u0307": ".",
    "\u0308": '"',
    "\u030a": "r",
    "\u030b": "H",
    "\u030c": "v",
    "\u0323": "d",
    "\u0327": "c",
    "\u0328": "k",
}
_LETTERS = {
    "ø": r"{\o}",
    "Ø": r"{\O}",
    "ł": r"{\l}",
    "Ł": r"{\L}",
    "ß": r"{\ss}",
    "æ": r"{\ae}",
    "Æ": r"{\AE}",
    "œ": r"{\oe}",
    "Œ": r"{\OE}",
    "å": r"{\aa}",
    "Å": r"{\AA}",
    "ı": r"{\i}",
}
_WORD = re.compile(r"[^\W_]+")


def _char(ch: str) -> str:
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    if ch.isascii():
        return ch
    if ch in _LETTERS:
        return _LETTERS[ch]
    parts = unicodedata.normalize("NFD", ch)
    if len(parts) == 2 and parts[0].isascii() and parts[0].isalpha() and parts[1] in _ACCENTS:
        return "{\\" + _ACCENTS[parts[1]] + "{" + parts[0] + "}}"
    return ch


def _needs_protection(word: str) -> bool:
    """`LoRA`, `GPT`, `T5`, `QLoRA`: a capital, and something other than a lower-case letter after the first character."""
    return any(ch.isupper() for ch in word) and any(not ch.islower() for ch in word[1:])


def latex_escape(text: str, *, title: bool = False, name: bool = False) -> str:
    """Encode free text as a BibTeX field value that prints exactly that text and can do nothing else.

    `title=True` also protects capitals that a style would lower-case; `name=True` hides the two things BibTeX reads
    inside one name, commas (part separators) and the word "and" (a new author), in braces.
    """
    out: list[str] = []
    pos = 0
    clean = one_line(text)
    for match in _WORD.finditer(clean) if (title or name) else ():
        out += _plain(clean[pos : match.start()], name=name)
        word = "".join(_char(ch) for ch in match[0])
        protect = (title and _needs_protection(match[0])) or (name and match[0].casefold() == "and")
        out.append("{" + word + "}" if protect else word)
        pos = match.end()
    out += _plain(clean[pos:], name=name)
    value = "".join(out)
    _check_balanced(value, text)
    return value


def _plain(segment: str, *, name: bool) -> list[str]:
    """Text between words; ligature pairs never span a word, so each segment is checked on its own."""
    out = []
    prev = ""
    for ch in segment:
        if prev + ch in _LIGATURES:
            out.append("{}")
        out.append("{,}" if name and ch == "," else _char(ch))
        prev = ch
    return out


# Characters a verbatim field must never carry, percent-encoded instead: braces (they end the field), the backslash (it
# starts a command), `^` (TeX reads `^^5c` as a backslash, `^^7b` as a brace, before any macro sees the text), the
# quote (an active character under babel's German shorthands) and whitespace.
_VERBATIM_UNSAFE = frozenset('{}\\"^')


def _verbatim(text: str) -> str:
    """URL-like fields (`url`, `doi`, `eprint`) are verbatim in biblatex: `\\_` would become part of the link.

    So they are not LaTeX-escaped; the characters in `_VERBATIM_UNSAFE` are percent-encoded instead, which leaves the
    address the same (a browser sends `^` as `%5E` anyway). Without `\\`, braces and `^`, no sequence in the value can
    form a TeX command, under any style, with or without the url package: natbib's styles fall back to
    `\\texttt{<url>}` when it is not loaded, where `^^5cinput^^7b/etc/hostname^^7d` would read that file into the
    citing author's PDF. `%`, `#`, `&`, `$`, `_` and `~` are kept: they are part of real addresses (`tacl_a_00564`,
    `?a=1&b=2`) and encoding them would need a `%` or change the address; in that fallback they are typesetting errors
    (the fix is `\\usepackage{url}`), never commands. Records only hold validated identifiers and https URLs here.
    """
    out = []
    for ch in one_line(text):
        out.append(quote(ch, safe="") if ch in _VERBATIM_UNSAFE or ch.isspace() else ch)
    value = "".join(out)
    _check_balanced(value, text)
    return value


def _check_balanced(value: str, source: str) -> None:
    """BibTeX ends a field at the brace that balances its opening one; a value must never contain such a brace."""
    depth = 0
    for ch in value:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            break
    if depth != 0:
        raise ValueError(f"bug: encoding {source!r} gave unbalanced braces: {value!r}")


def bibtex_name(name: str) -> str:
    """One author as BibTeX's "von Last, Jr., First" form, the one form it parses without guessing."""
    if not one_line(name):  # `paperkb check` rejects invisible characters; an empty name would read as "and  and"
        raise ValueError(f"bug: author name {name!r} has no visible character")
    parts = split_name(name)
    family = latex_escape(parts.full_family, name=True)
    given = latex_escape(parts.given, name=True)
    suffix = latex_escape(parts.suffix, name=True)
    if not given and family.casefold() == "others":  # a lone "others" is et al.; biber also sees through `{others}`
        family = "{" + family[0] + "}" + family[1:]
    if suffix and given:
        return f"{family}, {suffix}, {given}"
    if suffix:  # no given name: "Smith, Jr." would make BibTeX read "Jr." as the family name; one braced unit
        return f"{{{family} {suffix}}}"
    return f"{family}, {given}" if given else family


def entry_for(kb: KnowledgeBase, paper: Paper, key: str) -> Entry:
    """The BibTeX entry for one paper under citation key `key` (rules in the module docstring)."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", key):
        raise ValueError(f"bug: citation key {key!r} is not lower-case ASCII")
    facts = citation_facts(kb, paper)
    values: dict[str, str] = {"title": latex_escape(paper.title, title=True), "year": str(facts.year)}
    if paper.authors:
        values["author"] = " and ".join(bibtex_name(a) for a in paper.authors)
    elif paper.team:  # one braced unit: BibTeX must not split "Qwen Team" into given "Qwen" and family "Team"
        values["author"] = "{" + latex_escape(paper.team) + "}"
    else:
        values["key"] = latex_escape(paper.short_name)
    entry_type = {"conference": "inproceedings", "journal": "article"}.get(facts.kind, "misc")
    if facts.container:
        values["booktitle" if facts.kind == "conference" else "journal"] = latex_escape(facts.container)
    for name, value in (("series", facts.series), ("volume", facts.volume), ("address", facts.address), ("publisher", facts.publisher)):
        if value:
            values[name] = latex_escape(value)
    if facts.pages:
        first, last = facts.pages
        values["pages"] = first if first == last else f"{first}--{last}"
    if facts.arxiv:
        values["eprint"] = _verbatim(facts.arxiv)
        values["archivePrefix"] = "arXiv"
        if facts.arxiv_class:
            values["primaryClass"] = _verbatim(facts.arxiv_class)
    if facts.doi:
        values["doi"] = _verbatim(facts.doi)
    if facts.url:
        values["url"] = _verbatim(facts.url)
    for value in values.values():  # again on the assembled values (author lists, literals), just before writing
        _check_balanced(value, paper.id)
    fields = [Field(name, values[name]) for name in FIELD_ORDER if name in values]
    return Entry(entry_type, key, fields)


def export_bibtex(kb: KnowledgeBase, papers: Iterable[Paper]) -> str:
    """A .bib file for `papers`, entries sorted by citation key; keys are computed over the whole knowledge base.

    Keys come from every paper in `kb` (plus any given paper not in it), so a paper has the same key whether it is
    exported alone, with its topic, or with everything.
    """
    chosen = {p.id: p for p in papers}
    keys = keys_for(kb, chosen.values())
    library = Library()
    for paper in sorted(chosen.values(), key=lambda p: keys[p.id]):
        library.add(entry_for(kb, paper, keys[paper.id]))
    fmt = BibtexFormat()  # type: ignore[no-untyped-call]  # bibtexparser leaves __init__ unannotated
    fmt.indent = "  "
    fmt.block_separator = "\n"
    # The library is ours and dropped after writing, so bibtexparser may enclose values in place: its default stack
    # deep-copies every block first, which was most of the export's time (issue 15: 4.3 s at 10,000 papers).
    return write_string(library, unparse_stack=default_unparse_stack(allow_inplace_modification=True), bibtex_format=fmt)
