"""The contributor's path: the generated field reference, local habits (pre-commit, editor schema), the link check."""

from __future__ import annotations

import io
import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT

from paperkb import cli, cli_contrib, fieldref, linkcheck, models
from paperkb.repository import load_kb

CONTRIBUTING = ROOT / "CONTRIBUTING.md"


def test_committed_field_reference_is_fresh() -> None:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    assert fieldref.splice(text) == text, "the field reference in CONTRIBUTING.md is stale; run `paperkb fields` and commit it"


def test_field_reference_lists_every_paper_and_topic_field() -> None:
    tables = fieldref.field_tables()
    for model, prefix in [(models.Paper, ""), (models.Topic, ""), (models.Notes, "notes."), (models.Reading, "reading[].")]:
        for name, info in model.model_fields.items():
            assert f"| `{prefix}{name}` |" in tables, f"{prefix}{name} is missing"
            assert info.description and fieldref._cell(info.description) in tables
    assert "| `title_zh` | no |" in tables and "| `tldr` | yes |" in tables
    assert "&lt;series&gt; &lt;year&gt;" in tables  # would vanish as an HTML tag on GitHub


def test_fields_command_rewrites_and_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kb = tmp_path / "kb"
    (kb / "papers").mkdir(parents=True)
    (kb / "topics").mkdir()
    doc = kb / "CONTRIBUTING.md"
    doc.write_text(f"# Contributing\n\n{fieldref.START}\nold table\n{fieldref.END}\n\nafter\n", encoding="utf-8")
    assert cli.main(["--root", str(kb), "fields", "--check"]) == 1
    assert "stale; run `paperkb fields`" in capsys.readouterr().err
    assert cli.main(["--root", str(kb), "fields"]) == 0
    text = doc.read_text(encoding="utf-8")
    assert "old table" not in text and "| `notes.motivation` |" in text and text.endswith(f"{fieldref.END}\n\nafter\n")
    assert cli.main(["--root", str(kb), "fields", "--check"]) == 0
    doc.write_text("no markers\n", encoding="utf-8")
    assert cli.main(["--root", str(kb), "fields"]) == 1
    assert "markers are missing" in capsys.readouterr().err


def test_contributing_covers_the_whole_path() -> None:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    assert text.index("## 中文") < text.index("## English")  # Chinese first
    for needle in [
        "fork",
        "paperkb new",
        "paperkb check",
        "paperkb build",
        "paperkb serve",
        "pull request",
        "papers/lora.yaml",
        "registry/tags.yaml",
        "registry/institutions.yaml",
        "registry/venues.yaml",
        "topics/",
        "data-only gate",
        "paperkb fields",
    ]:
        assert needle in text, needle
    for heading in ("动机", "方法", "结果"):
        assert heading in text


def test_pre_commit_runs_paperkb_check_on_records_and_ruff() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    check = hooks["paperkb-check"]
    assert check["entry"].endswith("paperkb check") and check.get("pass_filenames", True)
    pattern = re.compile(check["files"])
    assert pattern.search("papers/lora.yaml") and pattern.search("topics/peft.yaml") and not pattern.search("src/paperkb/cli.py")
    assert any("ruff check" in h["entry"] for h in hooks.values())
    assert any("ruff format" in h["entry"] for h in hooks.values())


def test_editor_settings_map_the_schemas() -> None:
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == {
        "./schema/paper.schema.json": ["papers/*.yaml"],
        "./schema/topic.schema.json": ["topics/*.yaml"],
    }
    for rel in settings["yaml.schemas"]:
        assert (ROOT / rel).is_file()


# ---- the scheduled link check --------------------------------------------------------------------------------------


def test_external_links_come_from_records_and_skip_arxiv() -> None:
    kb, _ = load_kb(ROOT / "tests" / "fixtures" / "kb")
    assert kb is not None
    links = linkcheck.external_links(kb)
    assert links == sorted(links)
    assert linkcheck.Link("papers/lora.yaml", "code", "https://github.com/microsoft/LoRA") in links
    assert not any("arxiv.org" in link.url for link in links)


class Sites:
    """An opener that answers by URL: an int is an HTTP status, an exception is raised, anything else is 200."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, str]] = []

    def __call__(self, request: urllib.request.Request, timeout: float) -> Any:
        self.calls.append((request.get_method(), request.full_url))
        answer = self.answers.get(request.full_url, 200)
        if isinstance(answer, tuple):  # (status for HEAD, status for GET)
            answer = answer[0] if request.get_method() == "HEAD" else answer[1]
        if isinstance(answer, BaseException):
            raise answer
        if answer != 200:
            raise urllib.error.HTTPError(request.full_url, answer, "status", {}, None)  # type: ignore[arg-type]
        return io.BytesIO(b"")


def test_probe_verdicts() -> None:
    sites = Sites(
        {
            "https://gone.example/": 404,
            "https://busy.example/": 503,
            "https://nohead.example/": (405, 200),
            "https://down.example/": urllib.error.URLError("Name or service not known"),
        }
    )
    assert cli_contrib.probe("https://ok.example/", sites) is None
    assert cli_contrib.probe("https://gone.example/", sites) == ("broken", "HTTP 404")
    assert cli_contrib.probe("https://busy.example/", sites) == ("unverified", "HTTP 503")
    assert cli_contrib.probe("https://nohead.example/", sites) is None
    assert ("GET", "https://nohead.example/") in sites.calls
    assert cli_contrib.probe("https://down.example/", sites) == ("unverified", "Name or service not known")


def test_links_command_fails_only_on_gone_links(toy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli_contrib, "LINK_INTERVAL", 0.0)
    monkeypatch.setattr(cli_contrib, "LINK_OPENER", Sites({"https://github.com/microsoft/LoRA": 503}))
    assert cli.main(["--root", str(toy), "links"]) == 0
    assert "warning: https://github.com/microsoft/LoRA: HTTP 503" in capsys.readouterr().out
    monkeypatch.setattr(cli_contrib, "LINK_OPENER", Sites({"https://github.com/microsoft/LoRA": 404}))
    assert cli.main(["--root", str(toy), "links"]) == 1
    out = capsys.readouterr().out
    assert "papers/lora.yaml: code: https://github.com/microsoft/LoRA: HTTP 404" in out and "1 broken" in out


# ---- what to run -------------------------------------------------------------------------------------------------------


def _what_to_run() -> str:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    start = text.index("### 只改记录时运行什么 / What to run")
    return text[start : text.index("\n### ", start + 1)]


def test_what_to_run_names_the_commands_for_each_system_without_root() -> None:
    section = _what_to_run()
    for needle in (
        "Linux、macOS",
        "Windows (PowerShell)",
        "python3 -m venv .venv && .venv/bin/pip install -e .",
        "py -3.11 -m venv .venv; .venv\\Scripts\\pip install -e .",
        ".venv/bin/paperkb check --changed",
        ".venv\\Scripts\\paperkb check --changed",
        "不需要 root",
    ):
        assert needle in section, needle
    # root is scoped to the test command's apt-get step, never to a records-only change
    assert "bash .ci/test` 是给改代码的人的" in section and "只有这一步需要 root" in section
    english = CONTRIBUTING.read_text(encoding="utf-8").split("## English", 1)[1]
    assert "needs root only to apt-get install Chromium, LaTeX" in english and ".venv\\Scripts\\paperkb check --changed" in english


def test_every_paperkb_command_in_what_to_run_is_a_real_invocation() -> None:
    parser = cli.build_parser()
    commands = re.findall(r"paperkb ((?:check|build|serve)(?: --changed(?: \S+/main)?)?)", _what_to_run())
    assert {"check --changed", "build", "serve", "check --changed upstream/main"} <= set(commands), commands
    for command in commands:
        args = parser.parse_args(command.split())
        assert args.command == command.split()[0]
