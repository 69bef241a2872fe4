"""The command line: the only layer that reads folders, writes files and talks to the user.

Every command's core is a pure function elsewhere; this module parses arguments, calls it, and prints. A contributor's
mistake ends as a message and exit status 1, never a traceback; that translation happens in one place, `main`.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from paperkb import __version__, schema
from paperkb.problems import Problem, count_errors, json_safe, printable
from paperkb.repository import NotAKnowledgeBase, build_kb, discover, find_root, load_files


class UserError(Exception):
    """A mistake in how paperkb was called or in the files it was given; printed without a traceback."""


def _root(args: argparse.Namespace) -> Path:
    return find_root(Path(args.root) if args.root else Path.cwd())


def _workflow_data(text: str) -> str:
    """A GitHub workflow command's message: `%`, CR and LF escaped (GitHub's rules), after every control character
    is made visible, so no value can end the command early, start another, or send a terminal sequence to the log."""
    return printable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _workflow_property(text: str) -> str:
    """A workflow command's property value (`file=…`): the data escapes plus `:` and `,`, which end a property."""
    return _workflow_data(text).replace(":", "%3A").replace(",", "%2C")


def _format_problems(problems: list[Problem], fmt: str) -> str:
    if fmt == "json":
        rows = [p.__dict__ for p in problems]
        return json_safe(json.dumps(rows, ensure_ascii=False, indent=2))
    if fmt == "github":
        lines = []
        for p in problems:
            level = "warning" if p.severity == "warning" else "error"
            props = f"file={_workflow_property(p.path)},line={p.line},col={p.col}"
            lines.append(f"::{level} {props}::{_workflow_data((p.field + ': ' if p.field else '') + p.message)}")
        return "\n".join(lines)
    return "\n".join(p.as_text() for p in problems)


def plural(n: int, word: str) -> str:
    """'1 error', '2 errors', '0 warnings'."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _wanted(root: Path, paths: list[str]) -> set[str]:
    """The files and folders named on the command line, relative to root."""
    wanted = set()
    for raw in paths:
        path = Path(raw).resolve()
        try:
            wanted.add(path.relative_to(root).as_posix())
        except ValueError:
            raise UserError(f"{raw} is not inside the knowledge base at {root}") from None
        if not path.exists():
            raise UserError(f"{raw} does not exist")
    return wanted


def _inside(path: str, wanted: set[str]) -> bool:
    return path in wanted or any(path.startswith(w.rstrip("/") + "/") for w in wanted)


def report(problems: list[Problem], fmt: str, checked: int, total: int) -> int:
    """Print the problems and the summary; the exit status (1 on any error)."""
    out = _format_problems(problems, fmt)
    if out:
        print(out)
    errors = count_errors(problems)
    if fmt != "json":
        summary = f"{plural(errors, 'error')}, {plural(len(problems) - errors, 'warning')} in {plural(checked, 'file')}"
        if checked != total:
            summary += f" (cross-record rules checked against all {total:,})"
        print(summary, file=sys.stderr if fmt == "github" else sys.stdout)
    return 1 if errors else 0


def cmd_check(args: argparse.Namespace) -> int:
    """Validate records: every problem, sorted, one a line, then a count. Exit 1 on any error."""
    root = _root(args)
    if args.changed is not None:
        from paperkb import changed

        if args.paths:
            raise UserError("give either paths or --changed, not both")
        try:
            result = changed.check_changed(root, args.changed)
        except changed.NotAvailable as err:
            raise UserError(str(err)) from None
        for line in result.notes:
            print(line, file=sys.stderr)
        return report(result.problems, args.format, result.checked, result.total)
    wanted = _wanted(root, args.paths) if args.paths else set()
    record_paths = [rel for rel, _ in discover(root)]
    focus = {rel for rel in record_paths if _inside(rel, wanted)}
    _, problems = load_files(root, focus)
    if wanted:
        problems = [p for p in problems if _inside(p.path, wanted)]
    checked = len(focus) if wanted else len(record_paths)
    return report(problems, args.format, checked, len(record_paths))


def cmd_build(args: argparse.Namespace) -> int:
    """Check the records, render the site and build it with mkdocs and Pagefind."""
    from paperkb import build

    root = _root(args)
    out = Path(args.out).resolve() if args.out else root / "site"
    started = time.perf_counter()
    try:
        build.refuse_output(out)
        build.refuse_links(root)
        # Loaded and rendered in a process of its own, which takes the records with it when it ends: this process
        # holds nothing while mkdocs and Pagefind run (build.render_apart).
        rendered, problems = build.render_apart(root)
        if rendered is None:
            print(_format_problems(problems, "text"), file=sys.stderr)
            raise UserError(f"{count_errors(problems)} error(s) in the records; fix them (see above) and run again")
        phases = [("load + render", time.perf_counter() - started)]
        build.run_mkdocs(root / build.WORK / "mkdocs.yml", out)
        phases.append(("mkdocs", time.perf_counter() - started - sum(s for _, s in phases)))
        build.index_search(out)
        phases.append(("Pagefind", time.perf_counter() - started - sum(s for _, s in phases)))
    except build.BuildFailed as err:
        raise UserError(str(err)) from None
    seconds = time.perf_counter() - started
    report = rendered.report
    print(
        f"built {rendered.papers} papers and {rendered.topics} topics into {out} in {seconds:.1f}s "
        f"({report.written} source files written, {report.unchanged} unchanged; "
        + ", ".join(f"{name} {s:.1f}s" for name, s in phases)
        + ")"
    )
    print(f"open it: python3 -m http.server -d {out} 8000  →  http://127.0.0.1:8000/")
    print("live preview while editing records: .venv/bin/paperkb serve  →  http://127.0.0.1:8000/")
    return 0


# mkdocs serve --dirty warns on every start that navigation "will likely" be inaccurate. Paper pages are not in the
# navigation and render_into rewrites every page an edit affects, so the warning is about nothing here; it is dropped.
_DIRTY_WARNING = "A 'dirty' build is being performed"


def _forward(stream: IO[str], out: IO[str]) -> None:
    for line in stream:
        if _DIRTY_WARNING not in line:
            out.write(line)
            out.flush()


def _preview(root: Path, preview_url: str) -> tuple[Path, str]:
    """Render the preview (broken records as pages of their messages); the config's path and a line for the terminal."""
    from paperkb import build, preview

    files, problems = load_files(root)
    errors = count_errors(problems)
    shown = preview.partial(files, problems) if errors else preview.Preview(build_kb(files))
    started = time.perf_counter()
    config, report = build.render_into(root, shown.kb, preview_url, preview=shown.pages)
    took = f"rendered in {time.perf_counter() - started:.2f}s: {plural(report.written, 'file')} changed"
    if not errors:
        return config, took
    print(_format_problems([p for p in problems if p.severity == "error"], "text"), file=sys.stderr)
    pages = ", ".join(
        f"{preview_url}{page.removesuffix('index.md').removesuffix('.md')}/".replace("//", "/").replace(":/", "://")
        for page in sorted(shown.pages)
    )
    note = f"paperkb: {plural(errors, 'error')} in the records (above); the preview shows them on their pages: {pages}"
    if shown.left_out:
        note += f"; left out because they depend on a broken record: {', '.join(shown.left_out)}"
    print(note, file=sys.stderr)
    return config, took


# What the preview is rendered from: an edit to any file below these re-renders it.
WATCHED = ("papers", "topics", "registry", "templates", "site_config", "mkdocs.yml")


def stamps(root: Path) -> dict[Path, float]:
    """The modification time of every file the preview is rendered from; a change in this mapping means re-render."""
    out: dict[Path, float] = {}
    for name in WATCHED:
        base = root / name
        for path in [base, *base.rglob("*")] if base.is_dir() else [base]:
            if path.is_file():
                out[path] = path.stat().st_mtime
    return out


def cmd_serve(args: argparse.Namespace) -> int:
    """Live preview: re-render when a record, template or asset changes; mkdocs serve reloads the browser."""
    root = _root(args)
    preview_url = f"http://{args.dev_addr}/"
    config, _ = _preview(root, preview_url)
    # --dirty: mkdocs rebuilds only pages whose source changed (0.6 s instead of 10 s at 1,000 papers, bench/README.md);
    # render_into rewrites exactly the sources an edit affects, so the pages that list the paper are rebuilt too.
    cmd = [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "--dev-addr", args.dev_addr, "--livereload", "--dirty"]
    server = subprocess.Popen(cmd, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, stderr=subprocess.PIPE, text=True)
    assert server.stderr is not None
    forwarder = threading.Thread(target=_forward, args=(server.stderr, sys.stderr), daemon=True)
    forwarder.start()
    # Stopping the preview (Ctrl-C or SIGTERM) must stop mkdocs too, not leave it serving in the background.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(
        f"serving on http://{args.dev_addr}/ — edit papers/*.yaml and the page updates. Search needs its index, which only "
        "`paperkb build` makes: try it on the built site (python3 -m http.server -d site 8000)."
    )
    seen = stamps(root)
    try:
        while server.poll() is None:
            time.sleep(args.interval)
            now = stamps(root)
            if now == seen:
                continue
            seen = now
            _, took = _preview(root, preview_url)
            print(f"re-{took}")
    finally:
        server.terminate()
        server.wait(timeout=10)
        forwarder.join(timeout=5)  # the pipe ends with the server: forward its last lines, then close it
        server.stderr.close()
    return server.returncode or 0


def cmd_schema(args: argparse.Namespace) -> int:
    """Write the JSON Schemas generated from the models (for editor completion and validation)."""
    root = _root(args)
    out = Path(args.out) if args.out else root / "schema"
    if out.is_symlink():  # a committed link would make this write outside the checkout
        raise UserError(f"{out} is a symbolic link; replace it with a folder, or name one with --out")
    out.mkdir(parents=True, exist_ok=True)
    from paperkb import checks

    files, _ = load_files(root)
    for name, text in schema.json_schemas(checks.vocabulary_of(files)).items():
        if (out / name).is_symlink():
            (out / name).unlink()
        (out / name).write_text(text, encoding="utf-8")
        print(f"wrote {out / name}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="paperkb", description="An open knowledge base of LLM papers.")
    parser.add_argument("--version", action="version", version=f"paperkb {__version__}")
    parser.add_argument("--root", help="knowledge base folder (default: found from the current folder upwards)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    p = add("check", cmd_check, "Validate every record; report problems as path:line:col: field: message.")
    p.add_argument("paths", nargs="*", help="only report problems in these files or folders")
    p.add_argument(
        "--changed",
        nargs="?",
        const="",
        metavar="BASE",
        help="check what a pull request would: the files changed since BASE (default: origin/main, else main), "
        "uncommitted and untracked ones included",
    )
    p.add_argument("--format", choices=["text", "github", "json"], default="text", help="output format")

    from paperkb import cli_bib, cli_contrib  # citation commands (bib, import-bib); contributor commands (new, fields, links)

    cli_bib.add_commands(add)
    cli_contrib.add_commands(add)

    p = add("build", cmd_build, "Check the records and build the static site (mkdocs --strict, then the Pagefind search index).")
    p.add_argument("--out", help="output folder (default: site/)")

    p = add("serve", cmd_serve, "Live preview that re-renders when a record, template or asset changes.")
    p.add_argument("--dev-addr", default="127.0.0.1:8000", help="address to serve on (default 127.0.0.1:8000)")
    p.add_argument("--interval", type=float, default=0.5, help="seconds between checks for changed files")

    p = add("schema", cmd_schema, "Write JSON Schemas for paper and topic records (default: schema/).")
    p.add_argument("--out", help="folder to write into")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (UserError, NotAKnowledgeBase) as err:
        print(f"paperkb: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
