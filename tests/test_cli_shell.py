"""The command line's own behaviour: its help, its defaults, how `main` ends each kind of failure, what `build`, `serve`
and `schema` print and write.

The real tools behind `build` and `serve` (mkdocs, Pagefind, `mkdocs serve`) run in the slow tests (test_build_safety.py,
test_serve.py); here they are replaced by stand-ins that record how they were called, so each line of the shell is
checked in the unit suite, where mutation testing runs (issue 17).
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, TOY, golden

from paperkb import build, cli

HELP = Path(__file__).parent / "golden" / "cli-help.txt"


def _commands() -> list[str]:
    sub = next(a for a in cli.build_parser()._actions if a.dest == "command")
    return list(sub.choices)  # type: ignore[arg-type]


def test_help_of_every_command_is_as_reviewed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, update_golden: bool
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    parts = []
    for argv in [["--help"], *([name, "--help"] for name in _commands())]:
        with pytest.raises(SystemExit) as done:
            cli.main(argv)
        assert done.value.code == 0
        parts.append(f"$ paperkb {' '.join(argv)}\n{capsys.readouterr().out}")
    golden(HELP, "\n".join(parts), update_golden)


def test_parser_defaults() -> None:
    parser = cli.build_parser()
    check = parser.parse_args(["check"])
    assert (check.paths, check.changed, check.format, check.root) == ([], None, "text", None)
    assert parser.parse_args(["check", "--changed"]).changed == ""
    assert parser.parse_args(["check", "--changed", "v1"]).changed == "v1"
    serve = parser.parse_args(["serve"])
    assert (serve.dev_addr, serve.interval) == ("127.0.0.1:8000", 0.5)
    assert parser.parse_args(["serve", "--interval", "2"]).interval == 2.0
    assert parser.parse_args(["build"]).out is None and parser.parse_args(["schema"]).out is None
    assert parser.parse_args(["--root", "x", "build"]).func is cli.cmd_build


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main([])
    assert done.value.code == 2
    assert "the following arguments are required: COMMAND" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert capsys.readouterr().out == f"paperkb {cli.__version__}\n"


def test_main_turns_a_user_error_into_a_message_and_status_1(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def fail(args: Any) -> int:
        raise cli.UserError("the rule; the remedy")

    monkeypatch.setattr(cli, "cmd_schema", fail)
    assert cli.main(["schema"]) == 1
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "paperkb: error: the rule; the remedy\n")


def test_main_ends_on_ctrl_c_with_status_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(args: Any) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "cmd_schema", interrupted)
    assert cli.main(["schema"]) == 130


def test_main_returns_the_command_status(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "cmd_schema", lambda args: 7)
    assert cli.main(["schema"]) == 7


def test_root_is_found_from_the_current_folder_upwards(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(TOY / "papers")
    assert cli.main(["check"]) == 0
    assert "in 9 files" in capsys.readouterr().out, "3 papers, 2 topics, 4 registries"


def test_plural() -> None:
    assert [cli.plural(n, "file") for n in (0, 1, 2, 12345)] == ["0 files", "1 file", "2 files", "12,345 files"]


def test_check_counts_files_and_says_when_cross_record_rules_saw_more(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--root", str(toy), "check", str(toy / "papers" / "lora.yaml")]) == 0
    assert capsys.readouterr().out == "0 errors, 0 warnings in 1 file (cross-record rules checked against all 9)\n"
    assert cli.main(["--root", str(toy), "check", str(toy / "papers")]) == 0
    assert capsys.readouterr().out == "0 errors, 0 warnings in 3 files (cross-record rules checked against all 9)\n"
    assert cli.main(["--root", str(toy), "check"]) == 0
    assert capsys.readouterr().out == "0 errors, 0 warnings in 9 files\n"


def test_check_refuses_paths_outside_the_knowledge_base_or_missing(toy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--root", str(toy), "check", str(tmp_path)]) == 1
    assert f"{tmp_path} is not inside the knowledge base at {toy}" in capsys.readouterr().err
    assert cli.main(["--root", str(toy), "check", str(toy / "papers" / "nope.yaml")]) == 1
    assert "nope.yaml does not exist" in capsys.readouterr().err


def test_check_takes_paths_or_changed_not_both(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--root", str(toy), "check", "--changed", "main", str(toy / "papers")]) == 1
    assert capsys.readouterr().err == "paperkb: error: give either paths or --changed, not both\n"


def test_a_folder_prefix_is_not_its_sibling() -> None:
    assert cli._inside("papers/lora.yaml", {"papers"}) and cli._inside("papers/lora.yaml", {"papers/"})
    assert cli._inside("papers/lora.yaml", {"papers/lora.yaml"})
    assert not cli._inside("papers-old/lora.yaml", {"papers"})
    assert not cli._inside("papers/lora.yaml", set())
    assert cli._inside("papersX/lora.yaml", {"papersX"}), "only slashes are stripped from a folder name"


# ---- build ------------------------------------------------------------------------------------------------------------


class Tools:
    """Stand-ins for mkdocs and Pagefind that record what they were asked to do."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, fail: str = "") -> None:
        self.calls: list[tuple[str, Path, Path | None]] = []
        self.fail = fail
        monkeypatch.setattr(build, "run_mkdocs", self.mkdocs)
        monkeypatch.setattr(build, "index_search", self.pagefind)

    def mkdocs(self, config: Path, out: Path, jobs: int | None = None) -> None:
        self.calls.append(("mkdocs", config, out))
        time.sleep(0.3)  # so the phase times printed can be told apart
        if self.fail == "mkdocs":
            raise build.BuildFailed("mkdocs build --strict failed:\nWARNING - a warning")

    def pagefind(self, out: Path) -> None:
        self.calls.append(("pagefind", out, None))


def test_build_renders_then_runs_mkdocs_then_pagefind_and_says_so(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tools = Tools(monkeypatch)
    assert cli.main(["--root", str(project), "build"]) == 0
    out = project / "site"
    assert tools.calls == [("mkdocs", project / build.WORK / "mkdocs.yml", out), ("pagefind", out, None)]
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"built 3 papers and 2 topics into {out} in ")
    written = len(list((project / build.WORK / "docs").rglob("*.*")))
    assert f"({written} source files written, 0 unchanged; load + render " in lines[0]
    assert ", mkdocs " in lines[0] and ", Pagefind " in lines[0] and lines[0].endswith("s)")
    total = float(re.search(r" in ([0-9.]+)s \(", lines[0])[1])  # type: ignore[index]
    phases = [float(x) for x in re.findall(r"(?:render|mkdocs|Pagefind) ([0-9.-]+)s", lines[0])]
    assert len(phases) == 3 and all(x >= 0 for x in phases), lines[0]
    assert phases[1] >= 0.3, "the stand-in mkdocs took 0.3 s"
    assert abs(sum(phases) - total) <= 0.3, "the phases add up to the whole (each rounded to 0.1 s)"
    assert lines[1:] == [
        f"open it: python3 -m http.server -d {out} 8000  →  http://127.0.0.1:8000/",
        "live preview while editing records: .venv/bin/paperkb serve  →  http://127.0.0.1:8000/",
    ]
    assert cli.main(["--root", str(project), "build"]) == 0
    assert f"(0 source files written, {written} unchanged;" in capsys.readouterr().out


def test_build_out_is_taken_from_the_current_folder(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tools = Tools(monkeypatch)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--root", str(project), "build", "--out", "public"]) == 0
    assert tools.calls[0][2] == tmp_path / "public"


def test_a_failing_tool_is_a_user_error(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    Tools(monkeypatch, fail="mkdocs")
    assert cli.main(["--root", str(project), "build"]) == 1
    assert capsys.readouterr().err == "paperkb: error: mkdocs build --strict failed:\nWARNING - a warning\n"


def test_build_refuses_a_linked_template_before_rendering(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tools = Tools(monkeypatch)
    (project / "templates" / "x.j2").symlink_to(project / "mkdocs.yml")
    assert cli.main(["--root", str(project), "build"]) == 1
    assert "templates/x.j2: symbolic link(s)" in capsys.readouterr().err
    assert tools.calls == [] and not (project / build.WORK).exists()


def test_build_of_broken_records_prints_them_and_their_count(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tools = Tools(monkeypatch)
    lora = project / "papers" / "lora.yaml"
    lora.write_text(lora.read_text(encoding="utf-8").replace("year: 2021", "year: 1800"), encoding="utf-8")
    assert cli.main(["--root", str(project), "build"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("papers/lora.yaml:") and "year" in err
    assert err.endswith("paperkb: error: 1 error(s) in the records; fix them (see above) and run again\n")
    assert tools.calls == []


# ---- serve ------------------------------------------------------------------------------------------------------------

FAKE_SERVER = """
import pathlib, sys, time
folder = pathlib.Path(sys.argv[1])
sys.stderr.write("INFO - A 'dirty' build is being performed, this will likely lead to inaccurate navigation\\n")
sys.stderr.write("INFO - Serving on http://127.0.0.1:8123/\\n")
sys.stderr.flush()
(folder / "started").touch()
while not (folder / "stop").exists():
    time.sleep(0.02)
sys.exit(int((folder / "stop").read_text() or 0))
"""


class Server:
    """Runs the fake `mkdocs serve` instead of the real one, and records the command and environment it was given."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
        self.folder = folder
        self.cmd: list[str] = []
        self.env: dict[str, str] = {}
        self.handlers: dict[int, Any] = {}
        popen = cli.subprocess.Popen

        self.config_at_start = ""
        self.looks = 0
        stamps = cli.stamps

        def counting(root: Path) -> dict[Path, float]:
            self.looks += 1
            return stamps(root)

        monkeypatch.setattr(cli, "stamps", counting)

        def fake(cmd: list[str], env: dict[str, str], **kw: Any) -> Any:
            self.cmd, self.env = cmd, env
            self.config_at_start = Path(cmd[cmd.index("-f") + 1]).read_text(encoding="utf-8")
            return popen([sys.executable, "-c", FAKE_SERVER, str(folder)], env=env, **kw)

        monkeypatch.setattr(cli.subprocess, "Popen", fake)
        monkeypatch.setattr(cli.signal, "signal", lambda sig, handler: self.handlers.__setitem__(sig, handler))

    def wait(self, name: str) -> None:
        deadline = time.monotonic() + 60  # a bound against a hang, not a speed assertion
        while not (self.folder / name).exists():
            assert time.monotonic() < deadline, f"the fake server never wrote {name}"
            time.sleep(0.02)


@pytest.mark.parametrize("status", [0, 3])
def test_serve_rerenders_an_edited_record_and_stops_with_the_server(
    status: int, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server = Server(monkeypatch, tmp_path)
    page = project / build.WORK / "docs" / "papers" / "lora.md"

    def edit_then_stop() -> None:
        server.wait("started")
        deadline = time.monotonic() + 60
        while server.looks < 2 and time.monotonic() < deadline:  # the first look, then one round of the loop
            time.sleep(0.01)
        lora = project / "papers" / "lora.yaml"
        edited = tmp_path / "lora.yaml"  # written outside the watched folders, then moved in: one change, seen once
        edited.write_text(lora.read_text(encoding="utf-8").replace("冻结预训练权重", "预览已更新"), encoding="utf-8")
        edited.replace(lora)
        deadline = time.monotonic() + 60
        while "预览已更新" not in page.read_text(encoding="utf-8") and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)  # the loop prints its line after writing the page, and looks again
        (tmp_path / "stop.tmp").write_text(str(status))
        (tmp_path / "stop.tmp").rename(tmp_path / "stop")  # whole, never read half-written

    helper = threading.Thread(target=edit_then_stop)
    helper.start()
    code = cli.main(["--root", str(project), "serve", "--dev-addr", "127.0.0.1:8123", "--interval", "0.05"])
    helper.join()
    assert code == status, "the server's exit status is the command's"
    config = project / build.WORK / "mkdocs.yml"
    assert server.cmd == [
        sys.executable,
        "-m",
        "mkdocs",
        "serve",
        "-f",
        str(config),
        "--dev-addr",
        "127.0.0.1:8123",
        "--livereload",
        "--dirty",
    ]
    assert server.env["NO_MKDOCS_2_WARNING"] == "1"
    assert "预览已更新" in page.read_text(encoding="utf-8")
    assert "site_url: http://127.0.0.1:8123/\n" in server.config_at_start, "served at the preview address"
    assert "site_url: http://127.0.0.1:8123/\n" in config.read_text(encoding="utf-8"), "and rendered again for it"
    captured = capsys.readouterr()
    out = captured.out.splitlines()
    assert out[0] == (
        "serving on http://127.0.0.1:8123/ — edit papers/*.yaml and the page updates. Search needs its index, which only "
        "`paperkb build` makes: try it on the built site (python3 -m http.server -d site 8000)."
    )
    rerendered = [line for line in out[1:] if line.startswith("re-rendered in ") and line.endswith(" changed")]
    assert len(rerendered) == 1 and len(out) == 2, out
    assert "Serving on http://127.0.0.1:8123/" in captured.err
    assert "dirty" not in captured.err, "mkdocs' warning about dirty builds is dropped"
    with pytest.raises(SystemExit) as stopped:
        server.handlers[cli.signal.SIGTERM]()
    assert stopped.value.code == 143


def test_serve_watches_records_registries_templates_assets_and_the_config(project: Path) -> None:
    before = cli.stamps(project)
    assert project / "mkdocs.yml" in before and project / "papers" / "lora.yaml" in before
    added = ["papers/x.yaml", "topics/x.yaml", "registry/x.yaml", "templates/x.j2", "site_config/assets/x.css"]
    for rel in [*added, "site/index.html", ".paperkb-build/docs/x.md", "notes.txt"]:
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text("x", encoding="utf-8")
    after = cli.stamps(project)
    assert sorted(p.relative_to(project).as_posix() for p in set(after) - set(before)) == sorted(added)


def test_forward_drops_only_the_dirty_build_warning() -> None:
    import io

    out = io.StringIO()
    cli._forward(io.StringIO("a\nINFO - A 'dirty' build is being performed\nb\n"), out)
    assert out.getvalue() == "a\nb\n"


def test_preview_of_valid_records(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    started = time.perf_counter()
    config, took = cli._preview(project, "http://127.0.0.1:8000/kb/")
    elapsed = time.perf_counter() - started
    assert float(took.removeprefix("rendered in ").split("s:")[0]) <= elapsed + 0.01
    assert "site_url: http://127.0.0.1:8000/kb/\n" in config.read_text(encoding="utf-8")
    assert config == project / build.WORK / "mkdocs.yml"
    written = len(list((project / build.WORK / "docs").rglob("*.*")))
    assert took.startswith("rendered in ") and took.endswith(f"s: {written} files changed")
    assert capsys.readouterr().err == ""
    assert cli._preview(project, "http://127.0.0.1:8000/kb/")[1].endswith("s: 0 files changed")


def test_preview_of_broken_records_names_their_pages(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lora = project / "papers" / "lora.yaml"
    lora.write_text(lora.read_text(encoding="utf-8").replace("year: 2021", "year: 1800"), encoding="utf-8")
    cli._preview(project, "http://127.0.0.1:8000/kb/")
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("papers/lora.yaml:") and "year" in err[0]
    assert err[-1] == (
        "paperkb: 1 error in the records (above); the preview shows them on their pages: http://127.0.0.1:8000/kb/papers/lora/"
    )


def test_preview_lists_every_broken_page_and_writes_it(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("lora", "qlora"):
        record = project / "papers" / f"{name}.yaml"
        record.write_text(record.read_text(encoding="utf-8").replace("\nyear: ", "\nunknown_key: 1\nyear: ", 1), encoding="utf-8")
    cli._preview(project, "http://127.0.0.1:8000/")
    assert capsys.readouterr().err.splitlines()[-1] == (
        "paperkb: 2 errors in the records (above); the preview shows them on their pages: "
        "http://127.0.0.1:8000/papers/lora/, http://127.0.0.1:8000/papers/qlora/"
    )
    assert "unknown_key" in (project / build.WORK / "docs" / "papers" / "lora.md").read_text(encoding="utf-8")


def test_preview_names_what_it_left_out(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    topic = project / "topics" / "quantization.yaml"
    topic.write_text(topic.read_text(encoding="utf-8").replace("name_en:", "unknown_key: 1\nname_en:", 1), encoding="utf-8")
    cli._preview(project, "http://127.0.0.1:8000/")
    assert capsys.readouterr().err.splitlines()[-1] == (
        "paperkb: 1 error in the records (above); the preview shows them on their pages: "
        "http://127.0.0.1:8000/topics/quantization/; left out because they depend on a broken record: papers/qlora.yaml"
    )
    qlora = project / "papers" / "qlora.yaml"
    twin = qlora.read_text(encoding="utf-8").replace("id: qlora", "id: qlora-twin").replace("2305.14314", "2305.14315")
    (project / "papers" / "qlora-twin.yaml").write_text(twin, encoding="utf-8")
    cli._preview(project, "http://127.0.0.1:8000/")
    assert (
        capsys.readouterr()
        .err.splitlines()[-1]
        .endswith("; left out because they depend on a broken record: papers/qlora-twin.yaml, papers/qlora.yaml")
    )


# ---- schema -----------------------------------------------------------------------------------------------------------


def test_schema_writes_every_schema_and_says_so(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--root", str(project), "schema"]) == 0
    names = sorted(p.name for p in (project / "schema").iterdir())
    assert "paper.schema.json" in names and all(name.endswith(".json") for name in names)
    lines = capsys.readouterr().out.splitlines()
    assert sorted(lines) == [f"wrote {project / 'schema' / name}" for name in names]


def test_schema_writes_into_the_folder_given_making_its_parents(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "a" / "b"
    assert cli.main(["--root", str(project), "schema", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in (ROOT / "schema").iterdir())
    assert not (project / "schema").exists()


def test_schema_refuses_a_linked_folder_and_replaces_a_linked_file(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (project / "schema").symlink_to(outside, target_is_directory=True)
    assert cli.main(["--root", str(project), "schema"]) == 1
    assert "schema is a symbolic link; replace it with a folder, or name one with --out" in capsys.readouterr().err
    (project / "schema").unlink()
    (project / "schema").mkdir()
    victim = tmp_path / "victim.json"
    victim.write_text("keep", encoding="utf-8")
    assert cli.main(["--root", str(project), "schema", "--out", str(project / "schema")]) == 0
    name = next(iter(sorted((project / "schema").iterdir()))).name
    (project / "schema" / name).unlink()
    (project / "schema" / name).symlink_to(victim)
    assert cli.main(["--root", str(project), "schema"]) == 0
    assert victim.read_text(encoding="utf-8") == "keep"
    assert not (project / "schema" / name).is_symlink()


def test_problem_formats_for_warnings_and_file_level_problems() -> None:
    from paperkb.problems import Problem

    problems = [
        Problem("papers/a.yaml", 3, 5, "notes.results", "名称 has “quotes”", "warning"),
        Problem("papers/b.yaml", 1, 1, "", "not valid YAML", "error"),
    ]
    assert cli._format_problems(problems, "github").splitlines() == [
        "::warning file=papers/a.yaml,line=3,col=5::notes.results: 名称 has “quotes”",
        "::error file=papers/b.yaml,line=1,col=1::not valid YAML",
    ]
    text = cli._format_problems(problems, "json")
    assert text == json.dumps([p.__dict__ for p in problems], ensure_ascii=False, indent=2)
    assert '\n  {\n    "path": "papers/a.yaml",' in text and "名称" in text, "indented by 2, Chinese as typed"
