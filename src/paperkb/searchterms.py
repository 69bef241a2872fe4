"""Extra index terms so a Chinese query finds every page that contains it, not only pages whose segmentation agrees.

Pagefind's Chinese segmentation indexes words chosen by a dictionary: "软注意力" and "注意力机制" become single tokens, so
the query "注意力" misses pages that only contain those longer words (measured: 1 hit where 19 records contain the
phrase). Pages therefore carry, in a hidden block, every overlapping pair of adjacent Chinese characters of their
record, and the search page turns a Chinese query into the same pairs (site_config/assets/search.js). Pagefind requires
every query term, so a page matches when it contains all the query's pairs: substring recall with phrase-like precision.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def cjk_bigrams(texts: Iterable[str]) -> str:
    """Space-separated distinct character pairs of every Chinese run, in first-seen order (deterministic)."""
    seen: dict[str, None] = {}
    for text in texts:
        for run in _CJK_RUN.findall(text):
            if len(run) == 1:
                seen.setdefault(run, None)
            for i in range(len(run) - 1):
                seen.setdefault(run[i : i + 2], None)
    return " ".join(seen)
