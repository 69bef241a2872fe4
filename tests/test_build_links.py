"""Symbolic links in the checkout never make the build read, write or delete outside it.

A pull request can commit links (`git add -f` even under an ignored folder). Before: `.paperkb-build/docs -> ../../victim`
made `paperkb build` delete every file of a folder outside the checkout; `.paperkb-build/mkdocs.yml` as a link overwrote
a file outside; `site_config/assets/extra.txt -> ../../../secret.txt` copied any file into the site. Now links in the
generated work folder are removed and recreated as real files, links in what the build reads (mkdocs.yml, templates/,
site_config/) and record folders that are links are refused, and a default output folder that is a link is refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, TOY
from sitetools import copy_project

from paperkb import build, cli
from paperkb.repository import load_files, load_kb

SECRET = "CANARY-2b9d-not-for-the-site"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "checkout" / "project", TOY, ROOT)


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A folder outside the checkout, with files a build must never touch."""
    folder = tmp_path / "victim"
    (folder / "sub").mkdir(parents=True)
    for rel in ("keep.txt", "index.html", "sub/deep.txt", "index.md"):
        (folder / rel).write_text(SECRET, encoding="utf-8")
    return folder


def _untouched(folder: Path) -> bool:
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    return files == ["index.html", "index.md", "keep.txt", "sub/deep.txt"] and all(
        (folder / f).read_text(encoding="utf-8") == SECRET for f in files
    )


def _render(project: Path) -> build.WriteReport:
    kb, problems = load_kb(project)
    assert kb is not None, problems
    return build.render_into(project, kb)[1]


def _generated(project: Path) -> set[str]:
    return {p.relative_to(project / build.WORK).as_posix() for p in (project / build.WORK).rglob("*") if p.is_file()}


def test_a_linked_docs_folder_is_replaced_not_emptied(project: Path, victim: Path) -> None:
    (project / build.WORK).mkdir()
    (project / build.WORK / "docs").symlink_to(victim, target_is_directory=True)
    _render(project)
    assert _untouched(victim)
    docs = project / build.WORK / "docs"
    assert docs.is_dir() and not docs.is_symlink() and (docs / "index.md").is_file()


def test_a_linked_work_folder_is_replaced(project: Path, victim: Path) -> None:
    (project / build.WORK).symlink_to(victim, target_is_directory=True)
    _render(project)
    assert _untouched(victim)
    assert not (project / build.WORK).is_symlink() and "mkdocs.yml" in _generated(project)


def test_a_linked_generated_config_or_page_is_unlinked_not_written_through(project: Path, victim: Path) -> None:
    _render(project)
    docs = project / build.WORK / "docs"
    (project / build.WORK / "mkdocs.yml").unlink()
    (project / build.WORK / "mkdocs.yml").symlink_to(victim / "keep.txt")
    (docs / "index.md").unlink()
    (docs / "index.md").symlink_to(victim / "index.md")
    (docs / "stale.md").symlink_to(victim / "sub" / "deep.txt")
    (docs / "assets").rename(project / "assets-moved")
    (docs / "assets").symlink_to(victim, target_is_directory=True)
    report = _render(project)
    assert _untouched(victim)
    assert report.removed >= 3  # the three links under docs/
    for rel in ("mkdocs.yml", "docs/index.md", "docs/assets"):
        assert not (project / build.WORK / rel).is_symlink(), rel
    assert not (docs / "stale.md").exists()
    assert (docs / "assets" / "paperkb.css").is_file()


@pytest.mark.parametrize(
    "link",
    ["site_config/assets/extra.txt", "templates/paper.md.j2", "site_config/overrides/main.html", "mkdocs.yml", "site_config"],
)
def test_links_in_what_the_build_reads_are_refused(project: Path, victim: Path, link: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    path = project / link
    if path.is_dir():
        path.rename(tmp_path / "moved")
        path.symlink_to(tmp_path / "moved", target_is_directory=True)
    else:
        if path.exists():
            path.unlink()
        path.symlink_to(secret)
    kb, _ = load_kb(project)
    assert kb is not None
    with pytest.raises(build.BuildFailed, match=rf"^{link}: symbolic link\(s\) in the site's configuration"):
        build.render_into(project, kb)
    assert not (project / build.WORK).exists() or SECRET not in "".join(
        p.read_text(encoding="utf-8", errors="replace") for p in (project / build.WORK).rglob("*") if p.is_file()
    )


def test_the_cli_reports_a_refused_link_as_a_message(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    (project / "site_config" / "assets" / "extra.txt").symlink_to(secret)
    assert cli.main(["--root", str(project), "build"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("paperkb: error: site_config/assets/extra.txt: symbolic link(s)") and "Traceback" not in err
    assert not (project / "site").exists()


def test_a_linked_default_output_folder_is_refused(project: Path, victim: Path) -> None:
    (project / "site").symlink_to(victim, target_is_directory=True)
    kb, _ = load_kb(project)
    assert kb is not None
    with pytest.raises(build.BuildFailed, match="is a symbolic link"):
        build.build(project, kb, project / "site")
    assert _untouched(victim)


@pytest.mark.parametrize("folder", ["papers", "topics", "registry"])
def test_a_linked_record_folder_is_not_read(project: Path, folder: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / folder).rename(tmp_path / "elsewhere")
    (project / folder).symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    files, problems = load_files(project)
    assert f"{folder}/:1:1: (file): {folder}/ is a symbolic link; records must be files of the checkout itself" in [
        p.as_text() for p in problems
    ]
    assert not [f for f in files if f.path.startswith(f"{folder}/")]
    if folder == "papers":
        assert cli.main(["--root", str(project), "new", "2402.09353", "--offline", "--topic", "peft"]) == 1
        assert "papers/ is a symbolic link" in capsys.readouterr().err
        assert sorted(p.name for p in (tmp_path / "elsewhere").iterdir()) == ["gpt-2.yaml", "lora.yaml", "qlora.yaml"]


def test_generated_files_are_never_written_through_a_link(project: Path, victim: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`paperkb schema` and `paperkb fields` rewrite committed files: a link there is refused or replaced."""
    (project / "schema").mkdir()
    (project / "schema" / "paper.schema.json").symlink_to(victim / "keep.txt")
    assert cli.main(["--root", str(project), "schema"]) == 0
    assert not (project / "schema" / "paper.schema.json").is_symlink() and _untouched(victim)
    (project / "schema").rename(project / "schema-real")
    (project / "schema").symlink_to(victim, target_is_directory=True)
    assert cli.main(["--root", str(project), "schema"]) == 1
    (project / "CONTRIBUTING.md").symlink_to(victim / "index.md")
    assert cli.main(["--root", str(project), "fields"]) == 1
    assert "is a symbolic link" in capsys.readouterr().err
    assert _untouched(victim)
