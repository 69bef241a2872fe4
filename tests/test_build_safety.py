"""The build refuses what it must: a page mkdocs warns about, an --out folder that is not a site, a broken knowledge base.

Each test runs the real `paperkb build` (mkdocs and Pagefind included) on a scratch copy of the toy knowledge base.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from paperkb import cli


def _build(project: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(["--root", str(project), "build", "--out", str(out)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.slow
def test_a_page_that_makes_mkdocs_warn_fails_the_build(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--strict turns mkdocs' warnings (here: a link to a page that does not exist) into a failed build."""
    home = project / "templates" / "home.md.j2"
    home.write_text(home.read_text(encoding="utf-8") + "\n[死链](no-such-page.md)\n", encoding="utf-8")
    code, out = _build(project, tmp_path / "site", capsys)
    assert code == 1
    assert "no-such-page.md" in out and "strict" in out


@pytest.mark.slow
def test_the_same_project_builds_without_the_broken_link(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The control for the test above: the scratch project itself is fine."""
    code, out = _build(project, tmp_path / "site", capsys)
    assert code == 0, out
    assert (tmp_path / "site" / "index.html").is_file()
    # The command, not only the library, writes one search card per indexed page (searchcards.py).
    fragments = {p.stem for p in (tmp_path / "site" / "pagefind" / "fragment").glob("*.pf_fragment")}
    assert fragments and {p.stem for p in (tmp_path / "site" / "search" / "cards").glob("*.json")} == fragments


def test_an_out_folder_that_is_not_a_site_is_refused_and_kept(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--out ~/thesis` must never wipe a thesis: mkdocs --clean would delete every file in it."""
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "thesis.tex").write_text("\\documentclass{article}", encoding="utf-8")
    code, message = _build(project, out, capsys)
    assert code == 1
    assert "is not a built site" in message
    assert (out / "thesis.tex").read_text(encoding="utf-8") == "\\documentclass{article}"
    assert not (project / ".paperkb-build").exists(), "refuse before writing anything"


def test_a_broken_knowledge_base_is_refused_before_anything_is_written(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lora = project / "papers" / "lora.yaml"
    lora.write_text(lora.read_text(encoding="utf-8").replace("topics: [peft]", "topics: [no-such-topic]"), encoding="utf-8")
    out = tmp_path / "site"
    code, message = _build(project, out, capsys)
    assert code == 1
    assert "unknown topic 'no-such-topic'" in message
    assert not out.exists() and not (project / ".paperkb-build").exists()
