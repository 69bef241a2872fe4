"""What a citation of a paper says, whatever the format: its key, its kind, its year, its container and links.

BibTeX (`bibtex.py`) and CSL-JSON (`csl.py`) render the same facts, decided here once, so the two exports never disagree
about a paper's year or DOI.

Facts (`citation_facts`):

- Kind: a paper with a `venue` is a conference paper or a journal article, by the registry's `kind`; otherwise an arXiv
  preprint when it has an arXiv id, else a web document (`url` only).
- Container: the proceedings or journal as they name themselves. An ACL-family paper with an Anthology id takes the
  title of its Anthology volume ("Proceedings of the 61st Annual Meeting … (Volume 1: Long Papers)", "Findings of the
  Association for Computational Linguistics: EMNLP 2023"), as the volume is what decides long, short or Findings; any
  other published paper its edition's `title`; without either, the series' `full` name. Publisher, address, volume and
  series come from the edition (`registry/venues.yaml`), pages from the record; what is not verified there is absent.
  Journal articles carry no publisher or address (biblatex's @article and Zotero's journal article have neither).
- Year: a published paper carries the venue's year (the proceedings year, what readers look up and what the venue's
  own BibTeX says); any other paper the record's `year`, the first version's (arXiv's own export uses the latest
  version's year, which misdates revised papers). A published paper's first-version year stays recoverable from its
  arXiv id, which starts with YYMM.
- DOI: the record's publisher DOI; for a preprint without one, arXiv's DataCite DOI. A published paper never gets
  arXiv's DOI: it would name the preprint, not the paper cited.
- URL: the Anthology page for a paper with an Anthology id (ACL's own guidance: cite the peer-reviewed version with its
  Anthology URL), else the record's `url`, else the arXiv abstract page. The arXiv id is kept as `eprint` either way.

Citation keys (`citation_keys`): short, readable, ASCII, unique across the knowledge base, and stable.

The scheme is Google Scholar's, which most readers already type from memory: ``<surname><year><word>``, e.g.
``hu2022lora`` for "LoRA: Low-Rank Adaptation …" by Edward J. Hu et al., ICLR 2022.

- ``surname``: the first author's family name without particle or suffix, folded to lower-case ASCII letters and digits
  ("Łukasz Kaiser" -> ``kaiser``, "Ludwig van Beethoven" -> ``beethoven``). A team-written report without authors uses
  the first word of its ``team`` ("Qwen Team" -> ``qwen``). A paper without authors or team, or whose first
  author's name folds to nothing (a name in Chinese characters), uses the first word of its ``short_name``, folded the
  same way ("GPT-2" -> ``gpt2``); when that ends in a digit, a hyphen keeps it apart from the year
  (``gpt2-2019language``).
- ``year``: the year the citation carries (above): the venue's for a published paper, the first version's otherwise.
  A key and its entry must agree, or an author who sees ``hu2021lora`` next to ``year = {2022}`` cannot tell which is
  wrong. The price: a preprint's key changes when its venue is recorded (``hu2021lora`` became ``hu2022lora``), as it
  does on Google Scholar; keys are for citing, and links use record ids, which never change.
- ``word``: the first significant word of the title, folded (``LoRA:`` -> ``lora``, ``GPT-4`` -> ``gpt4``); articles,
  prepositions and conjunctions (STOPWORDS) are skipped.

Collisions: papers that share a key get the next significant title word appended (``smith2020attentionsparse``); those
still equal after that get ``a``, ``b``, ``c`` … in record-id order. A key therefore depends only on the papers it collides
with: adding or removing an unrelated record never changes it. Keys are for citing, not for linking: URLs use record ids
(a key may change when a colliding paper is added). A last safety net numbers any key that a collision suffix happened to
turn into another paper's key (``-2``, ``-3`` by record id); no real title pair is known to need it.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from string import ascii_lowercase
from typing import Literal

from paperkb import identifiers
from paperkb.kb import KnowledgeBase
from paperkb.models import Edition, Paper, Venue
from paperkb.names import ascii_fold, split_name

# Not text: controls, surrogates, unassigned and private-use code points. Whitespace controls count as spaces.
_NOT_TEXT = frozenset({"Cc", "Cs", "Cn", "Co"})


def one_line(text: str) -> str:
    """Text as every citation format holds it: NFC, non-text code points dropped, each run of whitespace one space.

    Exporters and the importer share this rule, so what a round trip keeps of a value is defined once.
    """
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if ch.isspace() or unicodedata.category(ch) not in _NOT_TEXT)
    return " ".join(text.split())


@dataclass(frozen=True)
class Facts:
    """The format-independent content of one citation (rules in the module docstring)."""

    kind: Literal["conference", "journal", "preprint", "web"]
    container: str | None
    year: int
    arxiv: str | None
    doi: str | None
    url: str | None
    arxiv_class: str | None = None
    pages: tuple[str, str] | None = None  # (first, last); last == first for a single page
    volume: str | None = None
    series: str | None = None
    publisher: str | None = None
    address: str | None = None
    anthology: str | None = None


def venue_of(kb: KnowledgeBase, paper: Paper) -> tuple[Venue, int] | None:
    """The registry venue and the venue year of a paper, or None for a paper that names no venue."""
    if not paper.venue:
        return None
    parts = identifiers.split_venue(paper.venue)
    if not parts or parts[0] not in kb.venue_by_name:  # `paperkb check` rejects both, so this is a bug
        raise ValueError(f"bug: paper {paper.id} has venue {paper.venue!r}, which is not '<series> <year>' of the registry")
    return kb.venue_by_name[parts[0]], parts[1]


def citation_year(paper: Paper) -> int:
    """The year a citation carries: the venue's for a published paper, else the record's (first version's)."""
    parts = identifiers.split_venue(paper.venue) if paper.venue else None
    return parts[1] if parts else paper.year


def _container(paper: Paper, series: Venue, edition: Edition | None) -> str:
    if paper.anthology:
        volume = identifiers.anthology_volume(paper.anthology)
        titles = {v.anthology: v.title for v in edition.volumes} if edition else {}
        if volume not in titles:  # `paperkb check` requires the volume in the registry
            raise ValueError(f"bug: paper {paper.id}: Anthology volume {volume} is not listed for {paper.venue}")
        return titles[volume]
    return edition.title if edition and edition.title else series.full


def citation_facts(kb: KnowledgeBase, paper: Paper) -> Facts:
    """Kind, container, year, pages and links of a paper's citation."""
    venue = venue_of(kb, paper)
    if paper.anthology:
        url: str | None = identifiers.anthology_link(paper.anthology)
    else:
        url = paper.url or (identifiers.arxiv_links(paper.arxiv)["abs"] if paper.arxiv else None)
    pages = None
    if paper.pages:
        first, _, last = paper.pages.partition("-")
        pages = (first, last or first)
    arxiv_class = paper.arxiv_class if paper.arxiv else None
    if venue:
        series, year = venue
        edition = series.edition(year)
        return Facts(
            series.kind,
            _container(paper, series, edition),
            year,
            paper.arxiv,
            paper.doi,
            url,
            arxiv_class=arxiv_class,
            pages=pages,
            volume=edition.volume if edition else None,
            series=edition.series if edition else None,
            # A journal article is found by journal, volume and pages; biblatex's @article and Zotero's journal
            # article have no publisher or place (biber warns on both), so only proceedings carry them.
            publisher=edition.publisher if edition and series.kind == "conference" else None,
            address=edition.address if edition and series.kind == "conference" else None,
            anthology=paper.anthology,
        )
    if paper.arxiv:
        doi = paper.doi or identifiers.arxiv_doi(paper.arxiv)
        return Facts("preprint", None, paper.year, paper.arxiv, doi, url, arxiv_class=arxiv_class)
    return Facts("web", None, paper.year, None, paper.doi, url)


# Words never used as the key's title word: articles, prepositions, conjunctions, pronouns, auxiliaries.
STOPWORDS = frozenset(
    {
        "a", "an", "the", "and", "or", "but", "nor", "of", "on", "in", "at", "to", "for", "from", "by", "with", "into",
        "onto", "over", "under", "via", "as", "is", "are", "be", "do", "does", "can", "not", "what", "when", "where",
        "which", "who", "why", "how", "this", "that", "these", "those", "its", "it", "we", "our", "your", "their",
        "towards", "toward",
    }
)  # fmt: skip


def title_words(title: str) -> list[str]:
    """Significant title words, folded to ASCII; words that fold to nothing (e.g. Chinese) are dropped."""
    words = (ascii_fold(w) for w in title.split())
    return [w for w in words if w and w not in STOPWORDS]


def _stem(paper: Paper) -> str:
    if paper.authors:
        family = ascii_fold(split_name(paper.authors[0]).family)
        if family:
            return family
    elif paper.team:  # a team-written report is keyed by its team, as it is cited: 'Qwen Team' -> qwen
        team = [w for w in map(ascii_fold, paper.team.split()) if w]
        if team:
            return f"{team[0]}-" if team[0][-1].isdigit() else team[0]
    words = [w for w in map(ascii_fold, paper.short_name.split()) if w]
    stem = words[0] if words else ascii_fold(paper.id) or "paper"  # first word: 'GPT-4V Structured Reasoning' -> gpt4v
    return f"{stem}-" if stem[-1].isdigit() else stem


def base_key(paper: Paper) -> str:
    """The key before collisions are resolved."""
    words = title_words(paper.title)
    return f"{_stem(paper)}{citation_year(paper)}{words[0] if words else ''}"


def _letters(n: int) -> list[str]:
    """a … z, then aa, ab … : enough distinct suffixes for any group."""
    out = list(ascii_lowercase)
    while len(out) < n:
        out += [a + b for a in out[: len(ascii_lowercase)] for b in ascii_lowercase]
    return out[:n]


def citation_keys(papers: Iterable[Paper]) -> dict[str, str]:
    """Record id -> citation key, unique over `papers` (see the module docstring for the scheme)."""
    ordered = sorted(papers, key=lambda p: p.id)
    groups: dict[str, list[Paper]] = defaultdict(list)
    for paper in ordered:
        groups[base_key(paper)].append(paper)
    keys: dict[str, str] = {}
    for base, group in groups.items():
        if len(group) == 1:
            keys[group[0].id] = base
            continue
        extended: dict[str, list[Paper]] = defaultdict(list)
        for paper in group:
            words = title_words(paper.title)
            extended[base + (words[1] if len(words) > 1 else "")].append(paper)
        for key, same in extended.items():
            if len(same) == 1:
                keys[same[0].id] = key
            else:
                for paper, letter in zip(same, _letters(len(same)), strict=True):
                    keys[paper.id] = key + letter
    # Safety net: a collision suffix may in theory recreate another paper's key; number the later ids.
    owners: dict[str, list[str]] = defaultdict(list)
    for pid in sorted(keys):
        owners[keys[pid]].append(pid)
    taken = set(owners)
    for key, pids in sorted(owners.items()):
        for n, pid in enumerate(pids[1:], start=2):
            while f"{key}-{n}" in taken:
                n += 1
            keys[pid] = f"{key}-{n}"
            taken.add(keys[pid])
    return keys


def keys_for(kb: KnowledgeBase, papers: Iterable[Paper]) -> dict[str, str]:
    """Keys for `papers` as they are in the whole knowledge base (computed once per knowledge base)."""
    chosen = list(papers)
    if all(kb.paper_by_id.get(p.id) is p for p in chosen):
        return kb.derived("citation_keys", lambda k: citation_keys(k.papers))
    return citation_keys({**kb.paper_by_id, **{p.id: p for p in chosen}}.values())
