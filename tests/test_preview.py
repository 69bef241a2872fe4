"""What the live preview rewrites after an edit: exactly the files whose content the edit changed, and nothing else.

`paperkb serve` runs `build.render_into` after every change and mkdocs (`--dirty`) rebuilds only pages whose source file
was rewritten, so a rewrite too many costs time and a rewrite too few serves a stale page. Each test edits one kind of
input (a record, a template, an asset) and compares the files rewritten with the files whose bytes differ.
"""

from __future__ import annotations

import html
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


# ---- broken records in the preview -------------------------------------------------------------------------------------


def _break(project: Path) -> None:
    """lora.yaml names a topic that does not exist (qlora.yaml, which is fine, names lora as `related`)."""
    lora = project / "papers" / "lora.yaml"
    lora.write_text(lora.read_text(encoding="utf-8").replace("topics: [peft]", "topics: [pfet]"), encoding="utf-8")


def test_a_broken_record_gets_a_page_with_the_terminals_messages(project: Path) -> None:
    from paperkb import preview
    from paperkb.repository import load_files

    _break(project)
    assert "related: [lora]" in (project / "papers" / "qlora.yaml").read_text(encoding="utf-8")
    files, problems = load_files(project)
    terminal = [p.as_text() for p in problems if p.path == "papers/lora.yaml" and p.severity == "error"]
    assert terminal
    shown = preview.partial(files, problems)
    assert "lora" not in shown.kb.paper_by_id and "qlora" in shown.kb.paper_by_id
    assert shown.kb.paper_by_id["qlora"].related == []  # its link to the broken record is dropped, not the record
    page = shown.pages["papers/lora.md"]
    for line in terminal:
        assert html.escape(line) in page  # the same message as the terminal, escaped
    assert "papers/lora.yaml" in page
    build.render_into(project, shown.kb, "http://127.0.0.1:8000/", preview=shown.pages)
    written = (project / build.WORK / "docs" / "papers" / "lora.md").read_text(encoding="utf-8")
    assert written == page
    search = (project / build.WORK / "docs" / "search.md").read_text(encoding="utf-8")
    assert "预览里没有搜索 / no search in the preview" in search and "paperkb build" in search


def test_the_built_search_page_has_no_preview_notice(project: Path) -> None:
    assert "pkb-preview-search" not in (project / build.WORK / "docs" / "search.md").read_text(encoding="utf-8")


def test_records_under_a_broken_topic_are_left_out_and_said_so(project: Path) -> None:
    from paperkb import preview
    from paperkb.repository import load_files

    peft = project / "topics" / "peft.yaml"
    peft.write_text(peft.read_text(encoding="utf-8").replace("order: 10", "order: 'ten'"), encoding="utf-8")
    child = project / "topics" / "child.yaml"
    child.write_text("id: child\nname: 子主题\nname_en: Child\nparent: peft\norder: 1\nintro: 介绍。\n", encoding="utf-8")
    files, problems = load_files(project)
    shown = preview.partial(files, problems)
    assert "topics/peft/index.md" in shown.pages
    assert "papers/lora.yaml" in shown.left_out and "topics/child.yaml" in shown.left_out
    assert not {"peft", "child"} & set(shown.kb.topic_by_id)
    build.render_into(project, shown.kb, "http://127.0.0.1:8000/", preview=shown.pages)  # renders without a KeyError


def test_a_broken_registry_shows_its_problems_on_the_home_page(project: Path) -> None:
    from paperkb import preview
    from paperkb.repository import load_files

    (project / "registry" / "tags.yaml").write_text("tags:\n  - id: lora\n", encoding="utf-8")
    files, problems = load_files(project)
    shown = preview.partial(files, problems)
    assert set(shown.pages) == {"index.md"} and "registry/tags.yaml:2:5: tags[0].name: is required" in shown.pages["index.md"]
    build.render_into(project, shown.kb, "http://127.0.0.1:8000/", preview=shown.pages)


def test_hostile_messages_stay_text_on_the_error_page(project: Path) -> None:
    from paperkb import preview
    from paperkb.repository import load_files

    lora = project / "papers" / "lora.yaml"
    lora.write_text(lora.read_text(encoding="utf-8").replace("topics: [peft]", 'topics: ["<script>alert(1)</script>"]'), encoding="utf-8")
    files, problems = load_files(project)
    page = preview.partial(files, problems).pages["papers/lora.md"]
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
