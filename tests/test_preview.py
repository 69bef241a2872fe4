"""What the live preview rewrites after an edit: exactly the files whose content the edit changed, and nothing else.

`paperkb serve` runs `build.render_into` after every change and mkdocs (`--dirty`) rebuilds only pages whose source file
was rewritten, so a rewrite too many costs time and a rewrite too few serves a stale page. Each test edits one kind of
input (a record, a template, an asset) and compares the files rewritten with the files whose bytes differ.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, TOY
from sitetools import copy_project

from paperkb import build
from paperkb.repository import load_kb


def _snapshot(docs: Path) -> dict[str, tuple[int, bytes]]:
    return {str(p.relative_to(docs)): (p.stat().st_mtime_ns, p.read_bytes()) for p in docs.rglob("*") if p.is_file()}


def _render(project: Path) -> build.WriteReport:
    kb, problems = load_kb(project)
    assert kb is not None, problems
    _, report = build.render_into(project, kb, "http://127.0.0.1:8000/")
    return report


def _edit_and_rerender(project: Path, path: Path, old: str, new: str) -> tuple[set[str], set[str], build.WriteReport]:
    """(files rewritten, files whose bytes changed, report) after replacing `old` by `new` in `path`."""
    docs = project / build.WORK / "docs"
    before = _snapshot(docs)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    report = _render(project)
    after = _snapshot(docs)
    assert set(after) == set(before), "an edit of content must not add or remove pages"
    rewritten = {rel for rel in after if after[rel][0] != before[rel][0]}
    changed = {rel for rel in after if after[rel][1] != before[rel][1]}
    return rewritten, changed, report


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = copy_project(tmp_path / "project", TOY, ROOT)
    first = _render(project)
    assert first.written > 10 and first.unchanged == 0
    again = _render(project)
    assert again.written == 0 and again.removed == 0, "a render with no edit must rewrite nothing"
    return project


def test_an_edited_record_rewrites_its_page_and_the_lists_that_show_it(project: Path) -> None:
    rewritten, changed, report = _edit_and_rerender(project, project / "papers" / "lora.yaml", "冻结预训练权重", "冻结全部预训练权重")
    assert rewritten == changed and report.written == len(changed)
    assert "papers/lora.md" in changed  # its page
    assert "topics/peft/index.md" in changed  # its topic lists the tl;dr
    assert {"feed.xml", "papers.json"} <= changed
    assert "papers/qlora.md" not in changed and "papers/gpt-2.md" not in changed


def test_an_edited_template_rewrites_only_the_pages_made_from_it(project: Path) -> None:
    template = project / "templates" / "paper.md.j2"
    rewritten, changed, report = _edit_and_rerender(project, template, "## 动机", "## 研究动机")
    assert rewritten == changed and report.written == len(changed)
    assert changed == {"papers/gpt-2.md", "papers/lora.md", "papers/qlora.md"}


def test_an_edited_asset_rewrites_only_that_asset(project: Path) -> None:
    css = project / "site_config" / "assets" / "paperkb.css"
    text = css.read_text(encoding="utf-8")
    first_rule = text.split("}", 1)[0]
    rewritten, changed, report = _edit_and_rerender(project, css, first_rule, first_rule + "; --pkb-test: 1")
    assert rewritten == changed == {"assets/paperkb.css"} and report.written == 1
