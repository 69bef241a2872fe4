"""Extra index terms so a Chinese query finds every page that contains it, not only pages whose segmentation agrees.

Pagefind's Chinese segmentation indexes words chosen by a dictionary: "软注意力" and "注意力机制" become single tokens, so
the query "注意力" misses pages that only contain those longer words (measured: 1 hit where 19 records contain the
phrase). Pages therefore carry, in a hidden block, every overlapping pair of adjacent Chinese characters of their
record, and the search page turns a Chinese query into the same pairs (site_config/assets/search.js). Pagefind requires
every query term, so a page matches when it contains all the query's pairs: substring recall with phrase-like precision.

Each pair is written as one ASCII token (`k` + the two code points in hex: 注意 → `k6ce8610f`): written as Chinese, the
segmenter would split a pair that is not a dictionary word (链推) back into single characters, and a query would then match
any page that has the characters anywhere. The tokens are never shown: results display the record's tl;dr.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def pair_token(pair: str) -> str:
    """One index token for two characters; search.js's `pkbTerms` makes the same token from a query."""
    if len(pair) == 2:  # always, from the site; one format instead of a generator (hundreds of thousands a render)
        return f"k{ord(pair[0]):x}{ord(pair[1]):x}"
    return "k" + "".join(f"{ord(ch):x}" for ch in pair)


def cjk_bigrams(texts: Iterable[str]) -> str:
    """Space-separated tokens for the distinct character pairs of every Chinese run, first seen first (deterministic).

    The pairs are collected first and each distinct one is turned into its token once: formatting a token for every
    occurrence was a tenth of rendering the site."""
    seen: dict[str, None] = {}
    for text in texts:
        for run in _CJK_RUN.findall(text):
            seen.update(dict.fromkeys(run[i : i + 2] for i in range(len(run) - 1)))
    return " ".join(pair_token(pair) for pair in seen)


# ---- which pairs a query needs ------------------------------------------------------------------------------------------
#
# Every pair of a query costs one index chunk (~23 KB at any collection size), and a pair that is in most pages narrows
# almost nothing: 思维链推理 needs 思维, 链推 and 推理 to be a phrase, but 维链 adds a chunk and no precision once both its
# characters are held by the pairs beside it. So the site lists its common pairs (in more than COMMON_SHARE of the
# papers, most common first), and a query drops a common pair when the pairs on both sides of it are kept and an
# uncommon pair remains: the phrase stays fully covered and chained through its rare pairs.

COMMON_SHARE = 0.25
COMMON_MAX = 600  # at most this many pairs in the search page's table (~3.5 KB)
COMMON_MIN_PAPERS = 50  # below this, shares say nothing


def pair_counts(texts_per_paper: Iterable[Iterable[str]]) -> dict[str, int]:
    """Pair -> number of papers whose texts contain it (each paper counted once)."""
    counts: dict[str, int] = {}
    for texts in texts_per_paper:
        seen: set[str] = set()
        for text in texts:
            for run in _CJK_RUN.findall(text):
                seen.update(run[i : i + 2] for i in range(len(run) - 1))
        for pair in seen:
            counts[pair] = counts.get(pair, 0) + 1
    return counts


def common_pairs(counts: dict[str, int], papers: int) -> str:
    """The pairs in more than COMMON_SHARE of `papers`, most common first (ties by code point), concatenated."""
    if papers < COMMON_MIN_PAPERS:
        return ""
    common = sorted((pair for pair, n in counts.items() if n > COMMON_SHARE * papers), key=lambda p: (-counts[p], p))
    return "".join(common[:COMMON_MAX])


def query_pairs(run: str, common: str) -> list[str]:
    """The pairs of a Chinese run a query searches for (search.js: `queryPairs`), in order; see the note above."""
    pairs = [run[i : i + 2] for i in range(len(run) - 1)]
    rank = {common[i : i + 2]: i // 2 for i in range(0, len(common) - 1, 2)}
    kept = [True] * len(pairs)
    for i in sorted((i for i, p in enumerate(pairs) if p in rank), key=lambda i: (rank[pairs[i]], i)):
        if not any(kept[j] and pairs[j] not in rank for j in range(len(pairs))):
            break
        if 0 < i < len(pairs) - 1 and kept[i - 1] and kept[i + 1]:
            kept[i] = False
    return [pair_token(p) for p, keep in zip(pairs, kept, strict=True) if keep]


# ---- exact identities and concepts ---------------------------------------------------------------------------------------
#
# Ranking alone cannot promise that `Transformer` puts the Transformer paper first: the word is on a hundred pages. So each
# paper page also carries one token per identity (short name, title, record id, arXiv id, DOI, citation key), made from
# the identity's normalised form, and the search page makes the same token from the whole query: the paper whose name the
# query is matches that token, and nothing else does. Concepts (glossary entries, institutions) work the same way: a page
# that uses any term of a concept, in either language, carries the concept's token, and a query term of the concept is
# replaced by it. site_config/assets/search.js computes the same tokens; a browser test holds the two equal.
#
# Token shape: the first 8 ASCII letters or digits of the normalised text, a marker (`zq` identity, `zg` concept), and 16
# hex digits of a hash. The prefix keeps a token next to the query's own words in Pagefind's alphabetically chunked index,
# so it usually costs no extra download; the fixed-length hash keeps one token from being a prefix of another (Pagefind
# matches query terms as prefixes).

_NOT_WORD = re.compile(r"[^a-z0-9\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ASCII_HEAD = re.compile(r"[a-z0-9]{1,8}")
WORD = re.compile(r"[a-z0-9]+|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def normalise(text: str) -> str:
    """NFKC, lower case, every run of characters other than ASCII letters, digits and Chinese one space (search.js: `norm`)."""
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def _fnv(data: bytes, seed: int) -> int:
    h = seed
    for byte in data:
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def fnv1a(data: bytes) -> int:
    """32-bit FNV-1a with its standard offset basis (search.js: `fnv(bytes, 0x811c9dc5)`)."""
    return _fnv(data, 0x811C9DC5)


def hash_hex(text: str) -> str:
    """16 hex digits: two 32-bit FNV-1a hashes of the UTF-8 bytes (simple enough to compute identically in the browser)."""
    data = text.encode("utf-8")
    return f"{_fnv(data, 0x811C9DC5):08x}{_fnv(data, 0x2F5A1B3D):08x}"


def _token(key: str, marker: str) -> str:
    head = _ASCII_HEAD.match(key)
    return (head.group(0) if head else "") + marker + hash_hex(key)


def identity_token(text: str) -> str | None:
    """The token of one identity (`'Transformer-XL'` and `'transformer xl'` give the same); None when nothing is left."""
    key = normalise(text).replace(" ", "")
    return _token(key, "zq") if key else None


def defining_token(concept: str, first_term: str, rank: int) -> str:
    """The token of the paper a glossary entry lists `rank`-th (0 first) among those that define the concept.

    Same prefix as the concept's token, so the search page's exact look-up of it usually reads the chunk the concept's
    token is already in; one token per place, so the listed order is the order of the results.
    """
    return token_head(first_term) + "zd" + hash_hex(f"{concept}#{rank}")


def term_token(concept: str, term: str) -> str:
    """The token of one term of a concept, as written (normalised): a query for that term lists the pages that use it
    literally before those that use only another of the concept's terms.

    No ASCII head: next to the concept's own token it would share a chunk with it, and a concept on thousands of pages
    makes that chunk large (measured: +79 KB for 注意力机制 at 10,000 papers); hash-ordered, it lands in an ordinary one.
    """
    return "zt" + hash_hex(f"{concept}|{term}")


def token_head(first_term: str) -> str:
    """The ASCII prefix of a concept's tokens (its first 8 letters or digits), shared by `concept_token` and
    `defining_token`; the search page receives it instead of whole tokens (glossary.client_shards)."""
    head = _ASCII_HEAD.match(normalise(first_term).replace(" ", ""))
    return head.group(0) if head else ""


def concept_token(concept: str, first_term: str) -> str:
    """The token of a glossary concept or an institution: `concept` is its stable key, `first_term` gives the prefix."""
    return token_head(first_term) + "zg" + hash_hex(concept)
