"""Unfinished drafts cannot slip through: the offline scaffold of `paperkb new`, its TODO lines, its placeholder id.

Offline, `paperkb new` writes facts as TODO comments (`# authors:` commented out) and an id made from the arXiv number;
a commented-out field is simply absent and the placeholder is a valid id, so such a record used to pass the check.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from paperkb import cli, scaffold
from paperkb.repository import load_files


def _problems(kb: Path, rel: str) -> list[str]:
    _, problems = load_files(kb)
    return [p.as_text() for p in problems if p.path == rel]


def test_the_offline_scaffold_is_refused_line_by_line(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--root", str(toy), "new", "2305.18290", "--offline", "--topic", "peft"]) == 0
    out = capsys.readouterr().out
    assert "placeholder id that `paperkb check` refuses" in out
    rel = "papers/arxiv-2305-18290.yaml"
    lines = (toy / rel).read_text(encoding="utf-8").split("\n")
    problems = _problems(toy, rel)
    abs_page = "https://arxiv.org/abs/2305.18290"
    expected = {
        "id": "id 'arxiv-2305-18290' is the placeholder `paperkb new` writes offline",
        "title": f"title: unfinished draft: write the paper's title exactly as on {abs_page}, then delete the `# TODO …` comment",
        "short_name": "short_name: unfinished draft: write the name people use",
        "authors": f"authors: unfinished draft: write the complete author list from {abs_page} under `authors:`",
        "published": f"published: unfinished draft: write the first version's date from the Submission history on {abs_page}",
    }
    for field, text in expected.items():
        [hit] = [p for p in problems if f": {field}: " in p]
        assert text in hit, hit
        line = int(hit.split(":")[1])
        # the line named is the line to change: the key itself, or the TODO line above a commented-out key
        assert field in lines[line - 1] or (field == "authors" and lines[line] == "# authors:"), (hit, lines[line - 1])
    assert all("must not be empty" not in p for p in problems if ": title: " in p or ": short_name: " in p)


def test_a_finished_scaffold_passes(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--root", str(toy), "new", "2305.18290", "--offline", "--topic", "peft"]) == 0
    text = (toy / "papers" / "arxiv-2305-18290.yaml").read_text(encoding="utf-8")
    (toy / "papers" / "arxiv-2305-18290.yaml").unlink()
    text = text.replace("id: arxiv-2305-18290", "id: dpo")
    text = re.sub(r'title: "".*', 'title: "Direct Preference Optimization: Your Language Model is Secretly a Reward Model"', text)
    text = re.sub(r'short_name: "".*', 'short_name: "DPO"', text)
    text = re.sub(r"# TODO 完整作者列表.*\n# authors:\n#   - \"\"", 'authors:\n  - "Rafael Rafailov"\n  - "Archit Sharma"', text)
    text = re.sub(r'# published: "YYYY-MM-DD".*', 'published: "2023-05-29"', text)
    text = text.replace('tldr: ""', "tldr: 不训练奖励模型，直接用偏好数据优化策略。")
    for part in ("motivation", "method", "results"):
        text = text.replace(f'  {part}: ""', f"  {part}: 已写，准确率 61.0。")
    text = text.replace('  limitations: ""\n', "")
    (toy / "papers" / "dpo.yaml").write_text(text, encoding="utf-8")
    assert cli.main(["--root", str(toy), "check", str(toy / "papers" / "dpo.yaml")]) == 0, capsys.readouterr().out
    assert capsys.readouterr().out.splitlines()[-1].startswith("0 errors, 0 warnings in 1 file ")


def test_an_arxiv_draft_with_todo_lines_needs_authors_and_date(toy: Path) -> None:
    """The TODO lines for authors and date were deleted, but another TODO remains: the draft is still unfinished."""
    text = (toy / "papers" / "lora.yaml").read_text(encoding="utf-8")
    text = re.sub(r"authors:\n(  - .*\n)+", "", text).replace("id: lora", "id: lora-draft").replace("2106.09685", "2106.01234")
    text = re.sub(r"published: .*\n", "", text).replace("tldr: ", "tldr:  # TODO 一行中文\n  ", 1)
    text = re.sub(r"title: .*", 'title: "Another draft"', text, count=1)
    (toy / "papers" / "lora-draft.yaml").write_text(text, encoding="utf-8")
    problems = _problems(toy, "papers/lora-draft.yaml")
    assert any(
        ": authors: missing from this arXiv draft: write the complete author list from https://arxiv.org/abs/2106.01234" in p
        for p in problems
    ), problems
    assert any(": published: missing from this arXiv draft" in p for p in problems), problems
    # the same record without the TODO line is an ordinary record, which may lack both
    (toy / "papers" / "lora-draft.yaml").write_text(text.replace("  # TODO 一行中文", ""), encoding="utf-8")
    assert not [p for p in _problems(toy, "papers/lora-draft.yaml") if "draft" in p.split(": ", 2)[-1]]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('title: ""  # TODO the title\n', [(1, 12)]),
        ("# TODO first\n# authors:\n", [(1, 1)]),
        ('# published: "YYYY-MM-DD"  # TODO the date\n', [(1, 1)]),
        ('title: "A # TODO inside quotes"\n', []),
        ("notes:\n  method: |\n    # TODO is text inside a block scalar\n", []),
        ("url: https://example.org/#TODO\n", []),
        ("# Drafted: fill in the TODO lines from the abstract page.\n", []),  # a header that mentions TODO is no marker
        ('title: "x"  # todo, in lower case\n', []),
    ],
)
def test_todo_markers_are_comments_only(text: str, found: list[tuple[int, int]]) -> None:
    assert [(line, col) for line, col, _ in scaffold.todo_comments(text)] == found


def test_placeholder_ids_of_old_style_arxiv_ids_are_refused(toy: Path) -> None:
    text = (toy / "papers" / "gpt-2.yaml").read_text(encoding="utf-8")
    data = text.replace("id: gpt-2", "id: arxiv-hep-th-9901001")
    (toy / "papers" / "arxiv-hep-th-9901001.yaml").write_text(data, encoding="utf-8")
    [problem] = [p for p in _problems(toy, "papers/arxiv-hep-th-9901001.yaml") if ": id: " in p]
    assert "is the placeholder `paperkb new` writes offline" in problem and "`id: gpt-2`" not in problem
