"""What one first search downloads, file by file: `python bench/first_search.py SITE [QUERY ...]`.

`bench/run.py` gives the totals per query; when a total passes the 300 KB budget (issue 12), this says which files make
it up (Pagefind's runtime, its metadata, index chunks, fragments, our search page's own files), so the fix aims at the
part that grows. Serves the built site on 127.0.0.1 only, one fresh Chromium context per query, bodies as sent
(uncompressed by the server, Pagefind's own files being gzip on disk).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from run import _SEARCH_FILES, CHROMIUM, CHROMIUM_ARGS

from paperkb.localserve import serve

QUERIES = ["思维链推理", "检索增强生成", "注意力机制", "speculative decoding", "reward model"]


def kind(path: str) -> str:
    """A file's part of the search: what grows with the collection (meta, index, filters) and what does not."""
    name = path.rsplit("/", 1)[-1]
    for prefix, label in (("pf_meta", "meta"), ("pf_index", "index"), ("pf_fragment", "fragment"), ("pf_filter", "filter")):
        if name.endswith(prefix) or prefix in path:
            return label
    if "/search/cards/" in path:
        return "card"
    if "/search/concepts/" in path:
        return "concept shard"
    if name.endswith(".pagefind") and "wasm" in name:
        return "wasm"
    return name


def first_search(site: Path, queries: list[str]) -> dict[str, list[tuple[str, int]]]:
    from playwright.sync_api import sync_playwright

    out: dict[str, list[tuple[str, int]]] = {}
    with serve(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for q in queries:
                context = browser.new_context()
                page = context.new_page()
                got: list[Any] = []
                page.on("response", lambda r, g=got: g.append(r) if any(f in urlsplit(r.url).path for f in _SEARCH_FILES) else None)
                page.goto(base + "search/?q=" + quote(q))
                page.locator("[data-pkb-search][data-done]").wait_for(timeout=60_000)
                seen, quiet = -1, time.perf_counter()
                while time.perf_counter() - quiet < 0.8:
                    if len(got) != seen:
                        seen, quiet = len(got), time.perf_counter()
                    page.wait_for_timeout(100)
                out[q] = [(urlsplit(r.url).path, len(r.body())) for r in got if r.ok]
                context.close()
        finally:
            browser.close()
    return out


def main(argv: list[str]) -> int:
    site = Path(argv[0])
    for q, files in first_search(site, argv[1:] or QUERIES).items():
        parts: dict[str, list[int]] = {}
        for path, size in files:
            parts.setdefault(kind(path), []).append(size)
        total = sum(size for _, size in files)
        print(f"{q}: {total / 1024:.1f} KB in {len(files)} requests")
        for label, sizes in sorted(parts.items(), key=lambda kv: -sum(kv[1])):
            print(f"    {label:28} {sum(sizes) / 1024:7.1f} KB  ({len(sizes)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
