"""bench/hashsite.py, the byte-identity check every build optimisation is held to (issue 15), finds every difference."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import hashsite


def _site(root: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def test_identical_sites_have_no_difference(tmp_path: Path) -> None:
    files = {"index.html": b"<p>a</p>", "papers/x/index.html": b"x", "pagefind/pf_meta": b"\x00\x01"}
    a = hashsite.manifest(_site(tmp_path / "a", files))
    b = hashsite.manifest(_site(tmp_path / "b", files))
    assert list(a) == sorted(a) == ["index.html", "pagefind/pf_meta", "papers/x/index.html"]
    assert hashsite.differences(a, b) == []


def test_one_changed_byte_a_missing_and_an_extra_file_are_each_reported(tmp_path: Path) -> None:
    a = hashsite.manifest(_site(tmp_path / "a", {"index.html": b"<p>a</p>", "gone.html": b"g", "same.css": b"c"}))
    b = hashsite.manifest(_site(tmp_path / "b", {"index.html": b"<p>b</p>", "new.html": b"n", "same.css": b"c"}))
    assert hashsite.differences(a, b) == ["missing: gone.html", "changed: index.html", "extra:   new.html"]
    assert hashsite.differences(a, b, frozenset({"index.html", "gone.html", "new.html"})) == []


def test_the_command_exits_1_on_a_difference(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    site = _site(tmp_path / "a", {"index.html": b"one"})
    assert hashsite.main([str(site)]) == 0
    before = tmp_path / "before.json"
    before.write_text(capsys.readouterr().out, encoding="utf-8")
    assert hashsite.main([str(site), "--against", str(before)]) == 0
    (site / "index.html").write_bytes(b"two")
    assert hashsite.main([str(site), "--against", str(before)]) == 1
    assert "changed: index.html" in capsys.readouterr().out


def _cbor(value: object) -> bytes:
    """A minimal CBOR encoder for the test's Pagefind files (strings, non-negative ints, lists)."""

    def head(major: int, n: int) -> bytes:
        if n < 24:
            return bytes([major << 5 | n])
        return bytes([major << 5 | 25]) + n.to_bytes(2, "big")

    if isinstance(value, int):
        return head(0, value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return head(3, len(raw)) + raw
    assert isinstance(value, list)
    return head(4, len(value)) + b"".join(_cbor(v) for v in value)


def _pagefind(value: object) -> bytes:
    import gzip

    return gzip.compress(b"pagefind_dcd" + _cbor(value), mtime=0)


def _bundle(root: Path, years: list[object], filter_hash: str, meta_hash: str, pages: list[object]) -> Path:
    meta = ["1.5.2", pages, [], [["year", f"zh_{filter_hash}"]], [], ["title"]]
    return _site(
        root,
        {
            f"pagefind/filter/zh_{filter_hash}.pf_filter": _pagefind(["year", years]),
            f"pagefind/pagefind.zh_{meta_hash}.pf_meta": _pagefind(meta),
            "pagefind/pagefind-entry.json": f'{{"languages":{{"zh":{{"hash":"zh_{meta_hash}"}}}}}}'.encode(),
        },
    )


def test_pagefind_filter_order_and_the_hashes_naming_it_do_not_count_but_its_content_does(tmp_path: Path) -> None:
    """Pagefind writes filter values in an order that changes from run to run: same values in another order, under other
    file names, are the same index; another page number under a value, or another page list, is a different one."""
    pages = [["zh_aa", 10], ["zh_bb", 12]]
    a = hashsite.manifest(_bundle(tmp_path / "a", [["2020", [0]], ["2021", [1]]], "1111111", "22222222", pages))
    b = hashsite.manifest(_bundle(tmp_path / "b", [["2021", [1]], ["2020", [0]]], "3333333", "44444444", pages))
    assert "pagefind/filter/zh:year (decoded)" in a
    assert hashsite.differences(a, b) == []
    c = hashsite.manifest(_bundle(tmp_path / "c", [["2021", [0]], ["2020", [1]]], "5555555", "66666666", pages))
    assert "changed: pagefind/filter/zh:year (decoded)" in hashsite.differences(a, c)
    assert "changed: pagefind/pagefind.zh.pf_meta (decoded)" in hashsite.differences(a, c)  # it names the filter's digest
    d = hashsite.manifest(_bundle(tmp_path / "d", [["2020", [0]], ["2021", [1]]], "7777777", "88888888", pages[::-1]))
    assert hashsite.differences(a, d) == [
        "changed: pagefind/pagefind-entry.json (meta named by digest)",
        "changed: pagefind/pagefind.zh.pf_meta (decoded)",
    ]
