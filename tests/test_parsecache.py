"""The parse cache (issue 15): a second run reads unchanged files from the cache and gets exactly what parsing gives;
changed bytes, a renamed file, other code or a damaged cache are parsed again; the cache never lives in the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperkb import parsecache, repository


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PAPERKB_CACHE", "on")
    monkeypatch.setenv("PAPERKB_CACHE_DIR", str(folder))
    return folder


def _load(root: Path) -> tuple[list[object], list[str], int]:
    """What load_files returns (each file's path, kind, model and document: data, locations, problems), the problems,
    and how many files it parsed."""
    parsed = []
    real = repository.parse_file

    def counting(*args):  # type: ignore[no-untyped-def]
        parsed.append(args[0])
        return real(*args)

    repository.parse_file = counting  # type: ignore[assignment]
    try:
        files, problems = repository.load_files(root)
    finally:
        repository.parse_file = real  # type: ignore[assignment]
    snapshot: list[object] = [(f.path, f.kind, f.model, f.doc) for f in files]
    return snapshot, [p.as_text() for p in problems], len(parsed)


def test_a_second_run_parses_nothing_and_gets_the_same_records_and_problems(toy: Path, cache_dir: Path) -> None:
    (toy / "papers" / "lora.yaml").write_text(
        (toy / "papers" / "lora.yaml").read_text(encoding="utf-8").replace("year: 2021", "year: '2021'"), encoding="utf-8"
    )
    first, problems, parsed = _load(toy)
    assert parsed > 5 and any("lora.yaml" in p for p in problems)
    assert list(cache_dir.glob("records-*.pickle")) and not list(toy.rglob("*.pickle"))
    second, again, parsed_again = _load(toy)
    assert parsed_again == 0
    assert (second, again) == (first, problems)


def test_changed_bytes_and_a_renamed_file_are_parsed_again(toy: Path, cache_dir: Path) -> None:
    _load(toy)
    lora = toy / "papers" / "lora.yaml"
    lora.write_text(lora.read_text(encoding="utf-8").replace("year: 2021", "year: 1900"), encoding="utf-8")
    _, problems, parsed = _load(toy)
    assert parsed == 1 and any("lora.yaml" in p and "year" in p for p in problems)
    lora.rename(toy / "papers" / "lora2.yaml")  # same bytes, another path: its problems name the new file
    _, problems, parsed = _load(toy)
    assert parsed == 1 and any(p.startswith("papers/lora2.yaml") for p in problems)
    assert not any(p.startswith("papers/lora.yaml") for p in problems)


def test_other_code_a_damaged_cache_or_caching_off_parse_everything(toy: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, _, total = _load(toy)
    [cached] = cache_dir.glob("records-*.pickle")
    monkeypatch.setattr(parsecache, "fingerprint", lambda: "other code")
    assert _load(toy)[2] == total
    monkeypatch.undo()
    monkeypatch.setenv("PAPERKB_CACHE_DIR", str(cache_dir))
    monkeypatch.setenv("PAPERKB_CACHE", "on")
    cached.write_bytes(b"not a pickle")
    assert _load(toy)[2] == total
    assert _load(toy)[2] == 0  # rewritten by the run before
    monkeypatch.setenv("PAPERKB_CACHE", "off")
    assert _load(toy)[2] == total


def test_a_cache_file_that_is_a_link_is_not_read(toy: Path, cache_dir: Path, tmp_path: Path) -> None:
    _, _, total = _load(toy)
    [cached] = cache_dir.glob("records-*.pickle")
    elsewhere = tmp_path / "planted.pickle"
    cached.rename(elsewhere)
    cached.symlink_to(elsewhere)
    assert _load(toy)[2] == total


def test_the_default_folder_is_the_users_cache_not_the_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PAPERKB_CACHE", "on")
    monkeypatch.delenv("PAPERKB_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert parsecache.folder() == tmp_path / "xdg" / "paperkb"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert parsecache.folder() == Path.home() / ".cache" / "paperkb"


def test_a_scratch_copy_reads_the_checkouts_cache_and_writes_none(toy: Path, cache_dir: Path, tmp_path: Path) -> None:
    """`check --changed` reads the branch's base from a scratch folder: the files it shares with the branch are not
    parsed again, and no cache file is left for the scratch folder."""
    import shutil

    _load(toy)
    base = tmp_path / "base"
    shutil.copytree(toy, base)
    lora = base / "papers" / "lora.yaml"
    lora.write_text(lora.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    before = sorted(cache_dir.iterdir())
    parsed: list[str] = []
    real = repository.parse_file
    repository.parse_file = lambda *a: parsed.append(a[0]) or real(*a)  # type: ignore[assignment]
    try:
        repository.load_files(base, cache_of=toy)
    finally:
        repository.parse_file = real  # type: ignore[assignment]
    assert parsed == ["papers/lora.yaml"]
    assert sorted(cache_dir.iterdir()) == before


def test_string_problems_and_near_duplicates_come_back_from_the_cache(toy: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the cache keeps beside each file (its string problems, what near-duplicate matching compares) is reported
    on a warm run exactly as when every file is parsed."""
    lora = (toy / "papers" / "lora.yaml").read_text(encoding="utf-8")
    (toy / "papers" / "lora.yaml").write_text(lora.replace("short_name: LoRA", "short_name: Lo\u200bRA"), encoding="utf-8")
    copy = lora.replace("id: lora", "id: lora-again").replace('arxiv: "2106.09685"', 'arxiv: "2106.09686"')
    (toy / "papers" / "lora-again.yaml").write_text(copy, encoding="utf-8")
    _, cold, parsed = _load(toy)
    _, warm, parsed_again = _load(toy)
    monkeypatch.setenv("PAPERKB_CACHE", "off")
    _, uncached, _ = _load(toy)
    assert parsed > 5 and parsed_again == 0
    assert any("U+200B" in p for p in warm) and any("likely the same paper" in p for p in warm)
    assert warm == cold == uncached
