"""Likely duplicates: two records (or a draft and a record) that are probably the same paper under different titles.

The same paper arrives twice in ways an exact comparison misses: under its v1 title and its current one ("Chain of
Thought Prompting …" / "Chain-of-Thought Prompting …"), with "of" and "for" swapped, with its subtitle dropped
("Direct Preference Optimization"), or renamed between versions with the same short name and first author
("Reflexion: an autonomous agent …" / "Reflexion: Language Agents …"). A pair is reported when

- the titles are the same up to case, punctuation, plurals and small words (of, for, the …); or
- one title is the other's main part (before the colon), the other's subtitle dropped; or
- the titles are nearly the same (rapidfuzz's normalised Indel similarity ≥ `SIMILAR` on the normalised words) and do
  not name two different methods (two different parts before a colon); or
- the main parts are the same and so are the first author's surname and the year (±1);

and nothing contradicts it: numbers and versions must agree ("Qwen2" is not "Qwen2.5", "GPT-3" not "GPT-4"), the years
may differ by one at most, and two author lists must share someone.

Linear enough for 10,000 records: pairs are only compared within blocks, namely records that share one of their
rarest title words (each record's `RARE` rarest; a word in more than `COMMON` titles blocks nothing), the same main
part, or a whole title equal to that main part; lists are capped, so no block makes the work quadratic (bench/README.md).
Pure: items in, pairs out.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from paperkb.names import split_name

SIMILAR = 90.0
SPELLING = 75.0
SUBTITLE_WORDS = 5
RARE = 2
COMMON = 100
MAX_TITLE = 400  # characters looked at: titles are at most 300, drafts from a .bib are cut to that too

# Words that variants of one title swap, add or drop ("of"/"for", "a"/"the", "based"): not compared.
_SMALL_WORDS = "a an the of for on in into to with and or via from by at as is are its their our towards toward using based"
_SMALL = frozenset(_SMALL_WORDS.split())
_WORD = re.compile(r"[a-z0-9]+")
_MAIN = re.compile(r"\s*(?::|\s-\s|\s–\s|\s—\s)\s*")
_FOLD = {"ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "þ": "th", "ı": "i", "ð": "d"}


def _fold_char(ch: str) -> str:
    """One casefolded character: its look-alike, or its NFKD parts that are ASCII letters and digits; a space for any
    other part that is not a combining mark (accents vanish, punctuation and CJK separate words)."""
    ch = _FOLD.get(ch, ch)
    return "".join(
        part if part.isascii() and part.isalnum() else " " if not unicodedata.combining(part) else ""
        for part in unicodedata.normalize("NFKD", ch)
    )


# Every title and name is folded at each `paperkb check` (10,000 records: ~100,000 strings): the per-character answer
# is computed once per character (ASCII in a translation table, the rest memoised), not normalised again each time.
_ASCII_FOLD = str.maketrans({chr(c): _fold_char(chr(c)) for c in range(128)})
_CHAR_FOLD: dict[str, str] = {}


def _fold(text: str) -> str:
    """Lower-case ASCII, accents and look-alike letters folded, everything else a space."""
    folded = text[:MAX_TITLE].casefold()
    if folded.isascii():
        return folded.translate(_ASCII_FOLD)
    out = []
    for ch in folded:
        part = _CHAR_FOLD.get(ch)
        if part is None:
            part = _CHAR_FOLD.setdefault(ch, _fold_char(ch)) if len(_CHAR_FOLD) < 65536 else _fold_char(ch)
        out.append(part)
    return "".join(out)


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def words(text: str) -> tuple[str, ...]:
    """The title's content words: folded, small words dropped, plural -s dropped ('Models' and 'model' agree)."""
    return tuple(_stem(w) for w in _WORD.findall(_fold(text)) if w not in _SMALL)


@dataclass(frozen=True)
class Item:
    """What is compared of one record or draft: where it is (a path, or a .bib entry), title, authors' surnames, year."""

    where: str
    title: str
    surnames: tuple[str, ...] = ()
    year: int | None = None
    content: tuple[str, ...] = field(init=False)
    main: tuple[str, ...] = field(init=False)
    has_main: bool = field(init=False)
    numbers: frozenset[str] = field(init=False)
    subtitle: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        head = _MAIN.split(self.title[:MAX_TITLE], maxsplit=1)
        object.__setattr__(self, "content", words(self.title))
        object.__setattr__(self, "has_main", len(head) == 2 and bool(words(head[0])) and bool(words(head[1])))
        object.__setattr__(self, "main", words(head[0]) if len(head) == 2 else self.content)
        object.__setattr__(self, "subtitle", words(head[1]) if len(head) == 2 else ())
        object.__setattr__(self, "numbers", frozenset(w for w in self.content if any(c.isdigit() for c in w)))


def surnames(authors: Iterable[str]) -> tuple[str, ...]:
    """Family names, folded ('Rafael Rafailov' → 'rafailov'), in paper order; an unreadable name is skipped."""
    out = []
    for name in authors:
        if isinstance(name, str) and name.strip():
            family = "".join(_WORD.findall(_fold(split_name(name[:MAX_TITLE]).family)))
            if family:
                out.append(family)
    return tuple(out)


def _spelling_only(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """The words that differ are respellings of each other ('optimisation'/'optimization', a typo), none extra."""
    only_a = [w for w in a if w not in set(b)]
    only_b = [w for w in b if w not in set(a)]
    return len(only_a) == len(only_b) and all(any(fuzz.ratio(w, v) >= SPELLING for v in only_b) for w in only_a)


def reason(a: Item, b: Item) -> str | None:
    """Why `a` and `b` look like the same paper, in words for a message; None when they do not."""
    if not a.content or not b.content or a.numbers != b.numbers:
        return None
    if a.year is not None and b.year is not None and abs(a.year - b.year) > 1:
        return None
    if a.surnames and b.surnames and not set(a.surnames) & set(b.surnames):
        return None
    joined_a, joined_b = "".join(a.content), "".join(b.content)
    if joined_a == joined_b:
        return "the same title up to case, punctuation, hyphens and small words"
    if (not a.has_main and a.content == b.main) or (not b.has_main and b.content == a.main):
        return "the same title with its subtitle dropped"
    same_first = bool(a.surnames and b.surnames and a.surnames[0] == b.surnames[0])
    short, long = sorted((a.content, b.content), key=len)
    if same_first and len(short) >= 3 and long[: len(short)] == short:
        return "the same title with its end dropped, and the same first author"
    different_names = a.has_main and b.has_main and a.main != b.main
    similar = not different_names and fuzz.ratio(joined_a, joined_b, score_cutoff=SIMILAR)
    if similar and (same_first or _spelling_only(a.content, b.content)):
        return "nearly the same title"
    if same_first and a.main == b.main and a.year is not None and b.year is not None:
        return "the same name before the colon, first author and year"
    renamed = set(a.main) <= set(b.main) or set(b.main) <= set(a.main)  # 'RLAIF' → 'RLAIF vs. RLHF'
    if same_first and renamed and len(a.subtitle) >= SUBTITLE_WORDS and a.subtitle == b.subtitle:
        return "the same title after the colon, and the same first author"
    return None


class Index:
    """The items to compare against, indexed by title word, main part and whole title (built once, queried often)."""

    def __init__(self, items: Sequence[Item]) -> None:
        self.items = list(items)
        self.by_word: dict[str, list[int]] = defaultdict(list)
        self.by_main: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self.by_content: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self.by_author: dict[tuple[str, int], list[int]] = defaultdict(list)
        for i, item in enumerate(self.items):
            for word in dict.fromkeys(item.content):
                self.by_word[word].append(i)
            self.by_main[item.main].append(i)
            self.by_content[item.content].append(i)
            if item.surnames and item.year is not None:
                self.by_author[(item.surnames[0], item.year)].append(i)

    def candidates(self, item: Item, own: int = 0) -> set[int]:
        """Items worth comparing with `item`: those sharing one of its `RARE` rarest shared words or its main part; for a
        title of common words only, those with its first author's surname and year.

        `own` is 1 when `item` is itself indexed (its words then count it once). A word in more than `COMMON` titles
        blocks nothing, and every list taken is capped at `COMMON`, so one query costs at most a few thousand looks.
        """
        shared = [w for w in dict.fromkeys(item.content) if own < len(self.by_word.get(w, ())) <= COMMON + own]
        out: set[int] = set()
        for word in sorted(shared, key=lambda w: (len(self.by_word[w]), w))[:RARE]:
            out.update(self.by_word[word])
        for index, key in ((self.by_main, item.main), (self.by_content, item.main), (self.by_main, item.content)):
            out.update(index.get(key, ())[: COMMON + own])
        if not shared and item.surnames and item.year is not None:  # a title of common words only ("… Is All You Need")
            out.update(self.by_author.get((item.surnames[0], item.year), ())[: COMMON + own])  # meets its first author's
        return out

    def matches(self, item: Item) -> list[tuple[int, str]]:
        """Which indexed items look like the same paper as `item` (a draft for `paperkb new` or `import-bib`)."""
        found = [(i, why) for i in self.candidates(item) if (why := reason(self.items[i], item))]
        return sorted(found)


def pairs(items: Sequence[Item]) -> list[tuple[int, int, str]]:
    """Likely-duplicate pairs (i, j, reason), i < j, at most one for each j: the earliest i it matches.

    Give `items` in the order in which they should be kept (the record to keep first): j is the one to report. Items
    with the same normalised title are compared with the first of them only, and only that first one takes part in the
    fuzzy comparisons, so a thousand copies of one title cost a thousand comparisons, not half a million.
    """
    first: dict[str, int] = {}
    found: dict[int, tuple[int, str]] = {}
    heads = []
    for j, item in enumerate(items):
        key = "".join(item.content)
        if key in first:
            why = reason(items[first[key]], item)
            if why:
                found[j] = (first[key], why)
                continue
        first.setdefault(key, j)
        heads.append(j)
    index = Index([items[j] for j in heads])
    for j in heads:
        for y in sorted(index.candidates(items[j], own=1)):
            i = heads[y]
            if i < j and j not in found and (why := reason(items[i], items[j])):
                found[j] = (i, why)
    return sorted((i, j, why) for j, (i, why) in found.items())
