"""Small builders for the tests written against surviving mutants (tests/mutation/README.md).

They run the real loader and the real cross-record checks in process (no subprocess), so each test is quick enough to
be run once per mutant.
"""

from __future__ import annotations

from pathlib import Path

from paperkb.repository import load_files


def paper(name: str, **fields: str) -> str:
    """A valid paper record for the toy knowledge base; `fields` replace or add top-level lines (values as YAML text)."""
    base = {
        "id": name,
        "title": '"A Paper About Things"',
        "short_name": "P",
        "arxiv": '"2106.01234"',
        "authors": "[Ada Lovelace]",
        "year": "2021",
        "topics": "[peft]",
        "tldr": "测试。",
        "notes": "\n  motivation: 动机。\n  method: 方法。\n  results: 结果：准确率 90.1。",
        "added": '"2026-11-24"',
    }
    base.update(fields)
    return "".join(f"{key}: {value}\n" if value != "" else "" for key, value in base.items())


def problems(root: Path, files: dict[str, str] | None = None) -> list[str]:
    """Write `files` (path relative to `root` -> text) into the knowledge base, then every problem as the CLI prints it."""
    for rel, text in (files or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    _, found = load_files(root)
    return [p.as_text() for p in found]


def problems_of(root: Path, rel: str, text: str) -> list[str]:
    """Problems located in the one file `rel` after adding it."""
    return [line for line in problems(root, {rel: text}) if line.startswith(f"{rel}:")]
