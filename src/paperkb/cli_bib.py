"""Citation commands (`paperkb bib`, `paperkb import-bib`): the shell around citeformats.py and bibimport.py.

Like the rest of the CLI, these only read and write files and talk to the user; a mistake in how they are called ends as
`paperkb: error: …` (raised as `UserError`, printed by `cli.main`), never as a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import logging
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from paperkb import bibimport
from paperkb.citeformats import FORMATS
from paperkb.cli import UserError
from paperkb.kb import KnowledgeBase
from paperkb.models import Paper
from paperkb.problems import printable
from paperkb.repository import find_root, load_kb

MAX_BIB_BYTES = 10 * 1024 * 1024


def _load(args: argparse.Namespace) -> KnowledgeBase | None:
    """The knowledge base, or None after printing why it cannot be built (the caller exits 1)."""
    root = find_root(Path(args.root) if args.root else Path.cwd())
    kb, problems = load_kb(root)
    if kb is None:
        for problem in problems:
            print(problem.as_text(), file=sys.stderr)
        print("paperkb: error: the records have errors; fix them first (see `paperkb check`)", file=sys.stderr)
    return kb


def _unknown(kind: str, wrong: Iterable[str], known: Iterable[str]) -> UserError:
    known = sorted(known)
    parts = []
    for name in wrong:
        close = difflib.get_close_matches(name, known, n=1)
        parts.append(f"'{name}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
    listing = ", ".join(known[:30]) + (", …" if len(known) > 30 else "")
    return UserError(f"unknown {kind} {', '.join(parts)}; must be one of: {listing}")


def select(kb: KnowledgeBase, ids: list[str], topics: list[str], tags: list[str]) -> list[Paper]:
    """Papers by id, topic (with its sub-topics) and tag; each option given narrows the selection, none selects all."""
    if missing := [i for i in ids if i not in kb.paper_by_id]:
        raise _unknown("paper id", missing, kb.paper_by_id)
    if missing := [t for t in topics if t not in kb.topic_by_id]:
        raise _unknown("topic", missing, kb.topic_by_id)
    if missing := [t for t in tags if t not in kb.tag_by_id]:
        raise _unknown("tag", missing, kb.tag_by_id)
    papers = list(kb.papers)
    if ids:
        papers = [p for p in papers if p.id in ids]
    if topics:
        wanted = {p.id for topic in topics for p in kb.papers_under(topic)}
        papers = [p for p in papers if p.id in wanted]
    if tags:
        papers = [p for p in papers if set(tags) & set(p.tags)]
    return papers


def cmd_bib(args: argparse.Namespace) -> int:
    """Export citations for the selected papers as BibTeX, CSL-JSON or RIS."""
    kb = _load(args)
    if kb is None:
        return 1
    papers = select(kb, args.ids, args.topic, args.tag)
    text = FORMATS[args.format].export(kb, papers)
    if not papers:
        print("paperkb: note: no paper matches the selection; the bibliography is empty", file=sys.stderr)
    if args.out:
        out = Path(args.out)
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as err:
            raise UserError(f"cannot write {out}: {err.strerror}; check the folder exists and is writable") from None
        print(f"wrote {len(papers)} entr{'y' if len(papers) == 1 else 'ies'} to {out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_import_bib(args: argparse.Namespace) -> int:
    """Draft records from a .bib file; never overwrites a file; exit 1 when some block could not be read."""
    kb = _load(args)
    if kb is None:
        return 1
    if args.topic not in kb.topic_by_id:
        raise _unknown("topic", [args.topic], kb.topic_by_id)
    source = Path(args.file)
    try:
        raw = source.read_bytes()
    except OSError as err:
        raise UserError(f"cannot read {source}: {err.strerror}") from None
    if len(raw) > MAX_BIB_BYTES:
        raise UserError(f"{source} is larger than {MAX_BIB_BYTES // 1024 // 1024} MB; split it into smaller files")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UserError(f"{source} is not UTF-8 (byte {err.start}); convert it, e.g. with iconv -f latin1 -t utf-8") from None
    root = find_root(Path(args.root) if args.root else Path.cwd())
    papers_dir = root / "papers"
    on_disk = {p.stem for p in papers_dir.iterdir()}
    # bibtexparser logs every block it cannot parse; the report below says the same, once, with its line
    bib_log = logging.getLogger("bibtexparser")
    if not any(isinstance(h, logging.NullHandler) for h in bib_log.handlers):
        bib_log.addHandler(logging.NullHandler())
    report = bibimport.import_bib(kb, text, args.topic, dt.date.today(), source=source.name, taken_ids=on_disk)
    for created in report.created:
        if args.dry_run:
            print(printable(f"would create {created.path} from entry '{created.key}' (line {created.line}):"))
            print("\n".join(map(printable, created.text.split("\n"))))
            continue
        try:
            with (root / created.path).open("x", encoding="utf-8") as handle:  # "x": never overwrite
                handle.write(created.text)
        except FileExistsError:
            raise UserError(f"{created.path} appeared while importing; nothing was overwritten, run the import again") from None
        print(printable(f"created {created.path} from entry '{created.key}' (line {created.line})"))
    for similar in report.similar:
        print(
            printable(
                f"paperkb: warning: {similar.path} is likely the same paper as {similar.other} ({similar.reason}); "
                f"if it is, delete {similar.path} and make your changes in {similar.other}"
            ),
            file=sys.stderr,
        )
    for skipped in report.skipped:
        print(printable(f"skipped entry '{skipped.key}' (line {skipped.line}): {skipped.reason}"))
    for bad in report.unparseable:
        print(printable(f"{source}:{bad.line}: {bad.message}"), file=sys.stderr)
    verb = "would create" if args.dry_run else "created"
    print(f"{len(report.created)} {verb}, {len(report.skipped)} skipped, {len(report.unparseable)} unreadable")
    if report.created and not args.dry_run:
        print("next: write the TODO fields of each new file, then run `paperkb check`")
    return 1 if report.unparseable else 0


def add_commands(add: Callable[[str, Callable[[argparse.Namespace], int], str], Any]) -> None:
    """Register the citation subcommands with the main parser (see cli.build_parser)."""
    p = add("bib", cmd_bib, "Export citations (BibTeX, CSL-JSON or RIS) for all papers, or for chosen ids, topics and tags.")
    p.add_argument("ids", nargs="*", metavar="ID", help="record ids to export (default: every paper)")
    p.add_argument("--topic", action="append", default=[], help="only papers under this topic or its sub-topics (repeatable)")
    p.add_argument("--tag", action="append", default=[], help="only papers with this tag (repeatable)")
    p.add_argument("--format", choices=list(FORMATS), default="bibtex", help="bibtex (default), csl (CSL-JSON) or ris (Zotero, EndNote)")
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")

    p = add("import-bib", cmd_import_bib, "Draft paper records from a .bib file; existing records are reported, never overwritten.")
    p.add_argument("file", metavar="FILE.bib", help="the BibTeX file to import")
    p.add_argument("--topic", required=True, help="topic id for every new record (edit the drafts to refine)")
    p.add_argument("--dry-run", action="store_true", help="print the drafts and the report; write nothing")
