"""Hash every file of a built site, and compare two such manifests: the byte-identity check for optimisations (issue 15).

    python bench/hashsite.py SITE > before.json          # write a manifest (path -> sha256), sorted
    python bench/hashsite.py SITE --against before.json  # exit 1 and list every path whose bytes differ

Each speed-up of the build is checked by building the real site before and after it and comparing every file. Nothing
is left out, but Pagefind's filter files are compared by what they say, not by their bytes: Pagefind 1.5 writes a
filter's values, and the list of filters in `pf_meta`, in an order that changes from run to run (as a HashMap seeded
per process would: inferred from the output, not read in its source). Two builds of the same checkout differ there
and nowhere else: 5 filter files, `pf_meta` and `pagefind-entry.json`, whose names carry the content hashes. So each
filter file is decoded (gzip, then CBOR), its values sorted, and it is named by its filter
(`pagefind/filter/<lang>:<name>`); the meta file's filter list is sorted and its hashes replaced by those logical
digests; the entry file names the meta file by its logical digest. Every other byte of the bundle (index chunks,
fragments, the page list in `pf_meta`) is compared as it is. `--ignore` leaves out further paths, e.g.
`sitemap.xml.gz` when two builds straddle midnight (it carries the build date).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

_PAGEFIND_SIGNATURE = b"pagefind_dcd"
_FILTER_FILE = re.compile(r"pagefind/filter/(?P<lang>[^_/]+)_(?P<hash>[0-9a-f]+)\.pf_filter")
_META_FILE = re.compile(r"pagefind/pagefind\.(?P<lang>[^_/.]+)_(?P<hash>[0-9a-f]+)\.pf_meta")


def cbor(data: bytes, i: int = 0) -> tuple[Any, int]:
    """The CBOR value at `data[i:]` and the offset after it: the subset Pagefind writes (ints, strings, lists, maps)."""
    head = data[i]
    major, info = head >> 5, head & 31
    i += 1
    if info < 24:
        n = info
    elif info <= 27:
        width = 1 << (info - 24)
        n = int.from_bytes(data[i : i + width], "big")
        i += width
    else:
        raise ValueError(f"CBOR item {head:#x} at {i - 1} is not one Pagefind writes")
    if major == 0:
        return n, i
    if major == 1:
        return -1 - n, i
    if major in (2, 3):
        raw = bytes(data[i : i + n])
        return (raw if major == 2 else raw.decode("utf-8")), i + n
    if major == 4:
        items = []
        for _ in range(n):
            item, i = cbor(data, i)
            items.append(item)
        return items, i
    if major == 5:
        pairs = []
        for _ in range(n):
            key, i = cbor(data, i)
            value, i = cbor(data, i)
            pairs.append([key, value])
        return pairs, i
    if major == 7 and info in (20, 21, 22):
        return {20: False, 21: True, 22: None}[info], i
    raise ValueError(f"CBOR item {head:#x} is not one Pagefind writes")


def _pagefind_value(raw: bytes) -> Any:
    data = gzip.decompress(raw)
    if not data.startswith(_PAGEFIND_SIGNATURE):
        raise ValueError("not a Pagefind file")
    value, end = cbor(data, len(_PAGEFIND_SIGNATURE))
    if end != len(data):
        raise ValueError("trailing bytes after the CBOR value")
    return value


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, default=repr).encode("utf-8")).hexdigest()


def _canonical_pagefind(site: Path, out: dict[str, str]) -> None:
    """Replace the order-dependent Pagefind files in `out` by their logical digests (see the module docstring)."""
    logical: dict[str, str] = {}  # a filter file's hash -> its logical name and digest
    for rel in sorted(out):
        if m := _FILTER_FILE.fullmatch(rel):
            name, values = _pagefind_value((site / rel).read_bytes())
            digest = _digest([name, sorted(values, key=lambda v: json.dumps(v, ensure_ascii=False))])
            del out[rel]
            out[f"pagefind/filter/{m['lang']}:{name} (decoded)"] = digest
            logical[f"{m['lang']}_{m['hash']}"] = f"{name}:{digest}"
    metas: dict[str, str] = {}
    for rel in sorted(out):
        if m := _META_FILE.fullmatch(rel):
            meta = _pagefind_value((site / rel).read_bytes())
            meta[3] = sorted([name, logical.get(h, h)] for name, h in meta[3])  # [3]: the filters (name, file hash)
            digest = _digest(meta)
            del out[rel]
            out[f"pagefind/pagefind.{m['lang']}.pf_meta (decoded)"] = digest
            metas[f"{m['lang']}_{m['hash']}"] = f"meta:{digest}"
    entry = "pagefind/pagefind-entry.json"
    if entry in out and metas:
        text = (site / entry).read_text(encoding="utf-8")
        for h, name in metas.items():
            text = text.replace(f'"{h}"', json.dumps(name))
        out[entry + " (meta named by digest)"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        del out[entry]


def manifest(site: Path) -> dict[str, str]:
    """Every regular file below `site`, as its POSIX path relative to it -> sha256 of its bytes, sorted by path
    (Pagefind's filter and meta files by their decoded, sorted content)."""
    out = {}
    for path in sorted(site.rglob("*")):
        if path.is_file() and not path.is_symlink():
            out[path.relative_to(site).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    _canonical_pagefind(site, out)
    return dict(sorted(out.items()))


def differences(before: dict[str, str], after: dict[str, str], ignore: frozenset[str] = frozenset()) -> list[str]:
    """One line per path that is missing, extra or changed in `after`, sorted; empty when the sites are byte-identical."""
    lines = []
    for path in sorted((before.keys() | after.keys()) - ignore):
        if path not in after:
            lines.append(f"missing: {path}")
        elif path not in before:
            lines.append(f"extra:   {path}")
        elif before[path] != after[path]:
            lines.append(f"changed: {path}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--against", type=Path, help="a manifest written before; compare instead of printing")
    parser.add_argument("--ignore", action="append", default=[], help="a path (relative to the site) to leave out")
    args = parser.parse_args(argv)
    now = manifest(args.site)
    if args.against is None:
        print(json.dumps(now, indent=0, sort_keys=True))
        return 0
    lines = differences(json.loads(args.against.read_text(encoding="utf-8")), now, frozenset(args.ignore))
    for line in lines[:50]:
        print(line)
    print(f"{len(now):,} files; {len(lines):,} differ" + (" (first 50 shown)" if len(lines) > 50 else ""), file=sys.stderr)
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
