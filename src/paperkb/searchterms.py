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
from collections.abc import Iterable

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def pair_token(pair: str) -> str:
    """One index token for two characters; search.js's `pkbTerms` makes the same token from a query."""
    return "k" + "".join(f"{ord(ch):x}" for ch in pair)


def cjk_bigrams(texts: Iterable[str]) -> str:
    """Space-separated tokens for the distinct character pairs of every Chinese run, first seen first (deterministic)."""
    seen: dict[str, None] = {}
    for text in texts:
        for run in _CJK_RUN.findall(text):
            for i in range(len(run) - 1):
                seen.setdefault(pair_token(run[i : i + 2]), None)
    return " ".join(seen)
