"""Concepts a search should find in either language: the glossary (`registry/glossary.yaml`) and the institutions.

A Chinese reader searches `指令微调` for papers whose English title says "instruction tuning", and `微软` for Microsoft's
papers. Each concept has names in both languages; a page that uses any of them carries the concept's token
(`searchterms.concept_token`), and the search page replaces a query's concept terms by that token (search.js), so either
language finds both.

Matching is on the normalised text (`searchterms.normalise`): an English term is a whole sequence of words ("low-rank
adaptation" matches "Low-Rank Adaptation" and "low rank adaptation", not "allow rank"); a Chinese term is a substring of
a run of Chinese characters (Chinese has no spaces to bound a word). Linear in the text: each position is tried against
terms of up to the longest term's length, by hashing.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from paperkb import models
from paperkb.hints import did_you_mean
from paperkb.problems import Problem
from paperkb.records import RecordFile, field_name
from paperkb.searchterms import WORD, concept_token, defining_token, normalise, token_head
from paperkb.searchterms import fnv1a as _fnv1a

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ASCII_WORDS = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")


@dataclass(frozen=True)
class Concept:
    """One concept: its stable key, its index token and its terms, normalised (Chinese and English)."""

    key: str
    token: str
    zh: tuple[str, ...]
    en: tuple[str, ...]
    defining: tuple[str, ...] = ()  # tokens of the entry's `papers`, in listed order (searchterms.defining_token)
    head: str = ""  # the tokens' ASCII prefix (searchterms.token_head)


def term_kind(term: str) -> str | None:
    """'zh' for a run of Chinese characters, 'en' for ASCII words, None for anything else (mixed or empty)."""
    norm = normalise(term)
    if _CJK.fullmatch(norm):
        return "zh"
    if _ASCII_WORDS.fullmatch(norm):
        return "en"
    return None


def _concept(key: str, names: Iterable[str], first_en: str, papers: int = 0) -> Concept:
    zh, en = [], []
    for name in names:
        kind, norm = term_kind(name), normalise(name)
        if kind == "zh" and len(norm) >= 2 and norm not in zh:
            zh.append(norm)
        elif kind == "en" and norm not in en:
            en.append(norm)
    defining = tuple(defining_token(key, first_en, k) for k in range(papers))
    return Concept(key, concept_token(key, first_en), tuple(zh), tuple(en), defining, token_head(first_en))


def concepts(glossary: Iterable[models.GlossaryEntry], institutions: Iterable[models.Institution]) -> list[Concept]:
    """Glossary entries then institutions, in registry order (keys `g:<id>`, `i:<canonical name>`)."""
    out = [_concept(f"g:{e.id}", [*e.zh, *e.en], e.en[0], len(e.papers)) for e in glossary]
    for inst in institutions:
        names = [inst.name, *inst.aliases, *([inst.name_zh] if inst.name_zh else [])]
        out.append(_concept(f"i:{inst.name}", names, inst.name))
    return out


class Matcher:
    """Which concepts a text mentions."""

    def __init__(self, items: Iterable[Concept]) -> None:
        self.zh: dict[str, Concept] = {}
        self.en: dict[tuple[str, ...], Concept] = {}
        for c in items:
            for term in c.zh:
                self.zh.setdefault(term, c)
            for term in c.en:
                self.en.setdefault(tuple(term.split(" ")), c)
        self.max_zh = max((len(t) for t in self.zh), default=0)
        self.max_words = max((len(t) for t in self.en), default=0)
        # Every beginning of a Chinese term: a scan stops lengthening a substring as soon as no term starts with it,
        # instead of trying every length up to the longest term at every character (most of `count_terms`' time).
        self.zh_prefixes = {term[:n] for term in self.zh for n in range(2, len(term) + 1)}

    def find(self, texts: Iterable[str]) -> list[Concept]:
        """Concepts mentioned in any of the texts, each once, first mention first."""
        return [c for c, _ in self.count(texts).values()]

    def count(self, texts: Iterable[str]) -> dict[str, tuple[Concept, int]]:
        """Concept key -> (concept, number of mentions), first mention first."""
        return totals(self.count_terms(texts))

    def count_terms(self, texts: Iterable[str]) -> dict[tuple[str, str], tuple[Concept, int]]:
        """(concept key, normalised term) -> (concept, number of mentions of that very term), first mention first."""
        found: dict[tuple[str, str], tuple[Concept, int]] = {}

        def hit(c: Concept | None, term: str) -> None:
            if c:
                k = (c.key, term)
                found[k] = (c, found[k][1] + 1 if k in found else 1)

        for text in texts:
            tokens = WORD.findall(normalise(text))
            for i, tok in enumerate(tokens):
                if _CJK.match(tok):
                    for start in range(len(tok) - 1):
                        for end in range(start + 2, min(len(tok), start + self.max_zh) + 1):
                            piece = tok[start:end]
                            if piece not in self.zh_prefixes:
                                break
                            hit(self.zh.get(piece), piece)
                    continue
                for n in range(1, self.max_words + 1):
                    words = tuple(tokens[i : i + n])
                    if len(words) < n or _CJK.match(words[-1]):
                        break
                    hit(self.en.get(words), " ".join(words))
        return found


def totals(terms: dict[tuple[str, str], tuple[Concept, int]]) -> dict[str, tuple[Concept, int]]:
    """`Matcher.count_terms` summed per concept (`Matcher.count`), for a caller that needs both from one scan."""
    found: dict[str, tuple[Concept, int]] = {}
    for (key, _), (c, n) in terms.items():
        found[key] = (c, found[key][1] + n if key in found else n)
    return found


def defining_tokens(glossary: Iterable[models.GlossaryEntry]) -> dict[str, list[str]]:
    """Paper id -> the tokens of the concepts it defines (an entry's `papers`), in registry order.

    Term frequency alone cannot put FLAN first for `指令微调`: dozens of papers use the term as often as FLAN does. The
    glossary names the few records a reader means by the concept; their pages carry its token with the identities, and
    a token of their place in the list, which the search page looks up exactly to list them first, in that order.
    """
    out: dict[str, list[str]] = {}
    for e in glossary:
        key = f"g:{e.id}"
        token = concept_token(key, e.en[0])
        for rank, pid in enumerate(e.papers):
            out.setdefault(pid, []).extend((token, defining_token(key, e.en[0], rank)))
    return out


def shard_of(term: str, shards: int) -> int:
    """The concept-table shard of a normalised term (search.js: `shardOf`): FNV-1a of its UTF-8 bytes, modulo `shards`."""
    return _fnv1a(term.encode("utf-8")) % shards


def client_shards(items: Iterable[Concept], shards: int) -> list[list[list[Any]]]:
    """What search.js needs to rewrite a query, split by a hash of each term so a query loads only the shards its
    possible terms fall into (a Chinese phrase: one file of ~1–2 KB instead of the whole table).

    A row: `[glossary id or null, Chinese terms, English terms, institution or null, token head]`, plus the number of
    defining papers when the entry lists any; a concept appears in every shard one of its terms falls into, with those
    terms. Terms are normalised. The page computes the tokens itself from the key (`g:<id>` or `i:<name>`) and the
    head, exactly as `searchterms` does, so no token is sent. For an institution the canonical name is there: a query
    that is only an institution lists its papers (the search page's institution filter) before pages that mention it.
    """
    out: list[list[list[Any]]] = [[] for _ in range(shards)]
    for c in items:
        kind, name = c.key.split(":", 1)
        for k in range(shards):
            zh = [t for t in c.zh if shard_of(t, shards) == k]
            en = [t for t in c.en if shard_of(t, shards) == k]
            if zh or en:
                row: list[Any] = [name if kind == "g" else None, zh, en, name if kind == "i" else None, c.head]
                out[k].append([*row, len(c.defining)] if c.defining else row)
    return out


def max_words(items: Iterable[Concept]) -> int:
    return max((len(t.split(" ")) for c in items for t in c.en), default=0)


# ---- checks on registry/glossary.yaml ----------------------------------------------------------------------------------


def _problem(file: RecordFile, keys: tuple[str | int, ...], message: str) -> Problem:
    loc = file.loc(*keys)
    return Problem(file.path, loc.line, loc.col, field_name(keys), message)


def check(files: list[RecordFile], paper_ids: set[Any] | None = None) -> list[Problem]:
    """Every term is one language, names one concept, and is not an institution (those match in both languages already);
    every defining paper is a record (`paper_ids`; not checked when no paper was loaded, as for a registry on its own)."""
    glossary = next((f for f in files if isinstance(f.model, models.GlossaryFile)), None)
    if glossary is None or not isinstance(glossary.model, models.GlossaryFile):
        return []
    institution_names: set[str] = set()
    for f in files:
        if isinstance(f.model, models.InstitutionFile):
            for inst in f.model.institutions:
                institution_names |= {normalise(n) for n in (inst.name, *inst.aliases, inst.name_zh or "")} - {""}
    problems: list[Problem] = []
    ids: set[str] = set()
    owner: dict[str, str] = {}
    short_names = {normalise(f.model.short_name): f.model.id for f in files if isinstance(f.model, models.Paper)}
    for i, entry in enumerate(glossary.model.terms):
        if entry.id in ids:
            problems.append(_problem(glossary, ("terms", i, "id"), f"glossary id '{entry.id}' is listed twice; keep one"))
        ids.add(entry.id)
        terms = {normalise(t) for t in (*entry.zh, *entry.en)}
        for pid in sorted(short_names[t] for t in terms if t in short_names and short_names[t] not in entry.papers):
            message = (
                f"paper '{pid}' has a term of this concept as its short name; list it under `papers`, so that a query"
                " for the concept puts it first"
            )
            problems.append(dataclasses.replace(_problem(glossary, ("terms", i, "id"), message), severity="warning"))
        for j, pid in enumerate(entry.papers):
            if paper_ids and pid not in paper_ids:
                hint = did_you_mean(pid, {x for x in paper_ids if isinstance(x, str)})
                remedy = hint or " use the id of a record in papers/"
                problems.append(_problem(glossary, ("terms", i, "papers", j), f"unknown paper id '{pid}';{remedy}"))
        for lang in ("zh", "en"):
            for j, term in enumerate(getattr(entry, lang)):
                where = ("terms", i, lang, j)
                norm = normalise(term)
                if term_kind(term) != lang:
                    want = "Chinese characters only" if lang == "zh" else "English words (ASCII letters and digits) only"
                    problems.append(_problem(glossary, where, f"'{term}' must be {want}; put it under `{'en' if lang == 'zh' else 'zh'}`"))
                elif lang == "zh" and len(norm) < 2:
                    problems.append(_problem(glossary, where, f"'{term}' is one character; a Chinese term needs two or more"))
                elif norm in institution_names:
                    problems.append(
                        _problem(glossary, where, f"'{term}' is an institution in registry/institutions.yaml, which search matches already")
                    )
                elif norm in owner and owner[norm] != entry.id:
                    problems.append(_problem(glossary, where, f"'{term}' is also a term of '{owner[norm]}'; one term, one concept"))
                owner.setdefault(norm, entry.id)
    return problems
