"""`paperkb check --changed [BASE]`: the pull-request gate's verdict on a branch, run against a throwaway git repository."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import TOY

from paperkb import cli

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"]


def git(repo: Path, *args: str) -> str:
    return subprocess.run([*GIT, "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The toy knowledge base committed on `main`, with one old warning in a record no branch touches."""
    root = tmp_path / "repo"
    shutil.copytree(TOY, root)
    gpt2 = root / "papers" / "gpt-2.yaml"
    gpt2.write_text(gpt2.read_text(encoding="utf-8").replace("有监督模型", '"有监督"模型', 1), encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "switch", "-qc", "add-paper")
    return root


def run(root: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(["--root", str(root), "check", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _paper(name: str, arxiv: str, topics: str = "[peft]") -> str:
    return (
        f'id: {name}\ntitle: "Paper {name}"\nshort_name: P\narxiv: "{arxiv}"\nyear: 2021\ntopics: {topics}\ntldr: 一句。\n'
        'notes:\n  motivation: 动机。\n  method: 方法。\n  results: 结果：准确率 90.1。\nadded: "2026-11-24"\n'
    )


def test_a_branch_gets_the_problems_of_its_own_files_only(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(repo, capsys=capsys)
    assert code == 0 and "gpt-2.yaml" in out  # the whole check sees the old warning

    (repo / "papers" / "committed.yaml").write_text(_paper("committed", "2106.00301", "[pfet]"), encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "add a paper")
    (repo / "papers" / "untracked.yaml").write_text(_paper("untracked", "2106.00302"), encoding="utf-8")
    started = time.perf_counter()
    code, out, err = run(repo, "--changed", "main", capsys=capsys)
    elapsed = time.perf_counter() - started
    assert code == 1
    lines = out.splitlines()
    assert lines[:-1] == [
        "papers/committed.yaml:6:10: topics[0]: unknown topic 'pfet'; did you mean 'peft'? (topic ids are the file names in topics/)"
    ]
    assert lines[-1] == "1 error, 0 warnings in 2 files (cross-record rules checked against all 11)"
    assert "gpt-2.yaml" not in out  # there before the branch: not the branch's to fix
    assert "checking 2 changed record file(s) against main" in err
    assert "1 problem(s) in files this branch does not touch were there before it" in err
    assert "data-only gate" not in err
    assert elapsed < 30


def test_problems_the_branch_causes_elsewhere_are_reported(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Deleting a record that another names as `related` breaks the other record: the gate would fail, so this does."""
    related = [p for p in (repo / "papers").glob("*.yaml") if "related:" in p.read_text(encoding="utf-8")]
    assert related, "the toy knowledge base has a record with `related`"
    target = related[0].read_text(encoding="utf-8").split("related:")[1].split("\n")[0].strip(" []").split(",")[0].strip()
    (repo / "papers" / f"{target}.yaml").unlink()
    code, out, _ = run(repo, "--changed", capsys=capsys)  # default base: origin/main is absent, so main
    assert code == 1
    assert f"{related[0].relative_to(repo).as_posix()}:" in out and f"unknown paper id '{target}'" in out
    assert "gpt-2.yaml" not in out


def test_the_data_only_gate_is_announced(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "registry" / "tags.yaml").write_text(
        (repo / "registry" / "tags.yaml").read_text(encoding="utf-8") + "  - id: new-tag\n    name: 新\n    name_en: New\n",
        encoding="utf-8",
    )
    (repo / "notes.txt").write_text("scratch\n", encoding="utf-8")
    code, out, err = run(repo, "--changed", "main", capsys=capsys)
    assert code == 0, out
    assert "the data-only gate will ask for a maintainer's review: this branch changes notes.txt, registry/tags.yaml" in err
    assert out.splitlines()[-1] == "0 errors, 0 warnings in 1 file (cross-record rules checked against all 9)"


def test_github_format_and_a_clean_branch(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "papers" / "good.yaml").write_text(_paper("good", "2106.00303"), encoding="utf-8")
    code, out, err = run(repo, "--changed", "main", "--format", "github", capsys=capsys)
    assert code == 0 and out == ""
    assert "0 errors, 0 warnings in 1 file" in err


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no-git", "is not a git checkout; `--changed` compares your branch with the one it started from"),
        ("bad-base", "no branch or commit no-such-branch; name the branch you started from"),
        ("option-base", "no branch or commit --output=x; name the branch you started from"),
    ],
)
def test_mistakes_are_messages(setup: str, message: str, tmp_path: Path, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if setup == "no-git":
        plain = tmp_path / "plain"
        shutil.copytree(TOY, plain)
        code, _, err = run(plain, "--changed", capsys=capsys)
    else:
        # a BASE that looks like an option reaches git as a revision, never as an option (`--end-of-options`)
        code, _, err = run(repo, "--changed=" + ("no-such-branch" if setup == "bad-base" else "--output=x"), capsys=capsys)
    assert code == 1 and message in err and "Traceback" not in err, err
    assert not (repo / "x").exists()


def test_paths_and_changed_do_not_mix(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(repo, str(repo / "papers" / "lora.yaml"), "--changed", capsys=capsys)
    assert code == 1 and "give either paths or --changed, not both" in err
