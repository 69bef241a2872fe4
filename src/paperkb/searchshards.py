"""Pagefind's index in shards, so that indexing memory stays bounded however large the collection grows.

Pagefind holds the whole index in one process until it writes it, and its memory grows with the words it indexes:
about 0.6 MB a paper page here (bench/README.md, issue 15: 1.78 GB at 3,000 pages, 4.9 GB at 10,000), whatever the
page's HTML size (the same pages cut down to their indexed part took the same memory). So above `SHARD_PAGES` pages
the paper pages are split into shards of at most that many, each indexed by its own Pagefind run, one after another;
the search page merges them with Pagefind's `mergeIndex`, which reuses the first bundle's WebAssembly and sums the
filter counts. Peak memory is then that of one shard.

Each run reads a folder of hard links to its pages at their own paths below the site, so Pagefind computes the same
URLs and reads only pages it indexes: the site's other HTML pages (topics, authors, lists) are not parsed at all. With
one shard this writes the same bundle as indexing the whole site (checked by `bench/hashsite.py` and a test), and
faster (22.6 s instead of 28.7 s at 3,000 papers).

What a shard costs: a query loads, for each of its words, one index chunk per shard (~20 KB each), so more shards
mean a heavier first search; hence shards only where memory requires them.
"""

from __future__ import annotations

import math
import os
import shutil
from pathlib import Path

# Pages a shard may hold: ~0.51 MB a page with the allocator settings below, so ~1.8 GB a run (issue 15: ≤ 2 GB).
SHARD_PAGES = 3500
BUNDLE = "pagefind"
# Pagefind's allocator (jemalloc) returns freed memory at once instead of keeping it for reuse: 14 % less peak
# memory at the same speed, measured at 1,500 pages; the index written is the same.
PAGEFIND_ENV = {"_RJEM_MALLOC_CONF": "dirty_decay_ms:0,muzzy_decay_ms:0"}
_BODY = b"data-pagefind-body"


def shard_count(pages: int, per_shard: int = SHARD_PAGES) -> int:
    """How many shards `pages` pages need so that none holds more than `per_shard`."""
    if per_shard < 1:
        raise ValueError("a shard holds at least one page")
    return max(1, math.ceil(pages / per_shard))


def bundle_dirs(count: int) -> list[str]:
    """Each shard's bundle folder, relative to the site: the first is Pagefind's usual one (its script is the one the
    search page imports), the others sit inside it."""
    return [BUNDLE] + [f"{BUNDLE}/shard/{k}" for k in range(1, count)]


def split(pages: list[str], count: int) -> list[list[str]]:
    """`pages` (sorted first, so the split does not depend on the order they were found in) in `count` contiguous
    runs whose sizes differ by at most one."""
    ordered = sorted(pages)
    n = len(ordered)
    return [ordered[k * n // count : (k + 1) * n // count] for k in range(count)]


def indexed_pages(site: Path) -> list[str]:
    """The pages Pagefind indexes: paper pages (`papers/<id>/index.html`), the only ones marked `data-pagefind-body`
    (site_config/overrides/main.html); the mark is checked, so a page the template marks is never left out."""
    out = []
    for page in sorted((site / "papers").glob("*/index.html")):
        if not page.is_symlink() and page.is_file() and _BODY in page.read_bytes():
            out.append(page.relative_to(site).as_posix())
    return out


def link_pages(site: Path, pages: list[str], dest: Path) -> None:
    """Hard links (a copy where the file system has none) of `pages` into the empty folder `dest`, at their paths."""
    for rel in pages:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(site / rel, target)
        except OSError:
            shutil.copyfile(site / rel, target)
