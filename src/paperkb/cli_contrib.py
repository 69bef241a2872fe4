"""Contributor commands (`paperkb new`, `paperkb fields`, `paperkb links`): the shell around newpaper, fieldref, linkcheck.

Like the rest of the CLI these only read and write files, make requests and talk to the user; the decisions are in the
pure modules. A mistake in how they are called ends as `paperkb: error: …` (a `UserError`, printed by `cli.main`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from paperkb import arxivapi, duplicates, fieldref, identifiers, linkcheck, neardup, netfetch, newpaper
from paperkb.cli import UserError
from paperkb.problems import printable
from paperkb.records import RecordFile
from paperkb.repository import find_root, linked_folders, load_files, load_kb

# Module-level so that tests replace them: every test of `paperkb new` and `paperkb links` runs without the network.
CLIENT = arxivapi.ArxivClient()
LINK_OPENER: arxivapi.Opener | None = None
LINK_INTERVAL = 1.0  # seconds between two requests to the same host


def _root(args: argparse.Namespace) -> Path:
    return find_root(Path(args.root) if args.root else Path.cwd())


def _raw(data: object, key: str) -> object:
    return data.get(key) if isinstance(data, dict) else None


def cmd_new(args: argparse.Namespace) -> int:
    """Write papers/<id>.yaml for an arXiv paper, with the facts from the arXiv API and a template for the notes."""
    root = _root(args)
    try:
        arxiv = newpaper.parse_arxiv_input(args.source)
    except newpaper.NotAnArxivId as err:
        raise UserError(str(err)) from None
    if "papers" in linked_folders(root):
        raise UserError("papers/ is a symbolic link; records must be written into the checkout itself — replace it with a folder")
    # Raw values, not models: a knowledge base with an unrelated broken record must still refuse a duplicate.
    files, _ = load_files(root)
    papers = [f for f in files if f.kind == "paper"]
    recorded = {f.path: _raw(f.doc.data if f.doc else None, "arxiv") for f in papers}
    holder = newpaper.existing_record(arxiv, recorded)
    if holder:
        raise UserError(f"arXiv {arxiv} is already in the knowledge base as {holder}; edit that file instead of adding another")
    topic_ids = {Path(f.path).stem for f in files if f.kind == "topic"}
    unknown = [t for t in args.topic if t not in topic_ids]
    if unknown:
        hints = [f"'{t}'" + (f" (did you mean '{c[0]}'?)" if (c := difflib.get_close_matches(t, topic_ids, n=1)) else "") for t in unknown]
        raise UserError(f"unknown topic {', '.join(hints)}; topics are the file names in topics/: {', '.join(sorted(topic_ids))}")

    entry: newpaper.ArxivEntry | None = None
    if args.offline:
        print("paperkb: --offline: writing a scaffold with the arXiv id only", file=sys.stderr)
    else:
        try:
            entry = CLIENT.entry(arxiv)
        except newpaper.ArxivNotFound as err:
            raise UserError(f"{err}; nothing was written") from None
        except arxivapi.FetchFailed as err:
            print(
                f"paperkb: warning: {err}; writing a scaffold with the arXiv id only. Fill in the TODO lines from "
                f"{identifiers.arxiv_links(arxiv)['abs']}, or delete the file and run `paperkb new` again when online.",
                file=sys.stderr,
            )

    papers_dir = root / "papers"
    taken = {p.stem for p in papers_dir.iterdir()} | {str(_raw(f.doc.data if f.doc else None, "id")) for f in papers}
    if args.id:
        if not re.fullmatch(identifiers.SLUG, args.id):
            raise UserError(f"--id '{args.id}' must be lower-case letters, digits and hyphens, e.g. 'self-rag'")
        if args.id in taken:
            raise UserError(f"--id '{args.id}' is taken by papers/{args.id}.yaml; choose another id")
        if reserved := identifiers.reserved_id_problem(args.id, paper=True):
            raise UserError(f"--id: {reserved}")
    record_id = args.id or newpaper.record_id(entry, arxiv, taken)
    text = newpaper.draft_text(entry, arxiv, record_id, list(dict.fromkeys(args.topic)), dt.date.today())
    rel = f"papers/{record_id}.yaml"
    try:
        with (root / rel).open("x", encoding="utf-8") as handle:  # "x": never overwrite, even if the file just appeared
            handle.write(text)
    except FileExistsError:
        raise UserError(f"{rel} appeared meanwhile; nothing was overwritten, run `paperkb new` again") from None

    if entry is not None:
        similar_records(rel, entry, papers)
        category = f", primary category {entry.primary_category}" if entry.primary_category else ""
        print(printable(f"created {rel}: {entry.title} ({len(entry.authors)} authors, first version {entry.published}{category})"))
    else:
        placeholder = (
            f"; `{record_id}` is a placeholder id that `paperkb check` refuses: rename the file and `id` to the paper's "
            "short name (e.g. papers/dpo.yaml), or delete the file and run again with --id"
            if record_id == newpaper.fallback_id(arxiv)
            else ""
        )
        print(f"created {rel} (scaffold: fill in the TODO lines{placeholder})")
    if not args.topic:
        print("  add at least one topic id to `topics:` (the file names in topics/)")
    print("next: write tldr and notes (动机 / 方法 / 结果) in Chinese — see CONTRIBUTING.md — then run:")
    print(f"  paperkb check {rel}")
    return 0


def similar_records(rel: str, entry: newpaper.ArxivEntry, papers: list[RecordFile]) -> None:
    """Warn when the new paper is likely already recorded under another title (its v1 title, no subtitle …)."""
    existing = [
        found
        for f in papers
        if (data := f.doc.data if f.doc else None) is not None
        and (found := duplicates.item(f.path, _raw(data, "title"), _raw(data, "authors"), _raw(data, "year")))
    ]
    new = neardup.Item(rel, entry.title, neardup.surnames(entry.authors), entry.published.year)
    for i, why in neardup.Index(existing).matches(new):
        other = existing[i].where
        message = f"paperkb: warning: {rel} is likely the same paper as {other} ({why}); if it is, delete {rel} and edit {other}"
        print(printable(message), file=sys.stderr)


def cmd_fields(args: argparse.Namespace) -> int:
    """Regenerate the field reference in CONTRIBUTING.md from the models (or, with --check, say whether it is stale)."""
    path = _root(args) / "CONTRIBUTING.md"
    if path.is_symlink():  # it is rewritten in place: a link would make that a write outside the checkout
        raise UserError(f"{path} is a symbolic link; restore the file from the repository")
    try:
        text = path.read_text(encoding="utf-8")
        fresh = fieldref.splice(text)
    except OSError as err:
        raise UserError(f"cannot read {path}: {err.strerror}") from None
    except ValueError as err:
        raise UserError(f"{path.name}: {err}") from None
    if args.check:
        if fresh != text:
            print(f"{path.name}: the field reference is stale; run `paperkb fields` and commit the result", file=sys.stderr)
            return 1
        print(f"{path.name}: the field reference is up to date")
        return 0
    if fresh != text:
        path.write_text(fresh, encoding="utf-8")
        print(f"updated the field reference in {path}")
    else:
        print(f"{path}: the field reference was already up to date")
    return 0


def probe(url: str, opener: arxivapi.Opener, timeout: float = 20.0, rules: netfetch.Rules | None = None) -> tuple[str, str] | None:
    """None when `url` answers; else ("broken", why) for a link that is gone, ("unverified", why) for one that may be back.

    HEAD first (no body to download); some servers refuse HEAD (403, 405), so those get a GET before being judged.
    Only 404 and 410 count as broken: a timeout, a 5xx or a 429 says the other site is busy, not that the link is dead.
    A link the request rules refuse (a redirect to http, a port or an IP address; a name resolving to a private or
    loopback address) is broken too: it must not be requested at all (netfetch). Each try has one deadline.
    """
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": arxivapi.USER_AGENT})
        try:
            netfetch.within(timeout, lambda: opener(request, timeout=timeout).close(), rules)  # noqa: B023 - run now
            return None
        except urllib.error.HTTPError as err:
            if err.code in {403, 405} and method == "HEAD":
                continue
            return ("broken" if err.code in {404, 410} else "unverified", f"HTTP {err.code}")
        except urllib.error.URLError as err:
            if isinstance(err.reason, netfetch.Refused):
                return ("broken", f"refused: {err.reason}")
            return ("unverified", str(err.reason))
        except netfetch.Refused as err:
            return ("broken", f"refused: {err}")
        except (TimeoutError, OSError) as err:
            return ("unverified", str(err) or type(err).__name__)
    return None  # pragma: no cover - the loop always returns


def cmd_links(args: argparse.Namespace) -> int:
    """Check every external link (code, DOI, url, further reading) once; exit 1 when one is gone (404/410)."""
    root = _root(args)
    kb, _ = load_kb(root)
    if kb is None:
        raise UserError("the records have errors; run `paperkb check` first")
    checked = netfetch.CheckedOpener()
    opener = LINK_OPENER or checked
    rules = None if LINK_OPENER else checked.rules
    limiters: dict[str, arxivapi.RateLimiter] = {}
    broken = unverified = 0
    links = linkcheck.external_links(kb)
    for link in links:
        host = urlsplit(link.url).hostname or ""
        limiters.setdefault(host, arxivapi.RateLimiter(LINK_INTERVAL)).wait()
        result = probe(link.url, opener, args.timeout, rules)
        if result is None:
            continue
        verdict, why = result
        if verdict == "broken":
            broken += 1
        else:
            unverified += 1
        print(printable(f"{link.path}: {link.field}: {'' if verdict == 'broken' else 'warning: '}{link.url}: {why}"))
    print(f"{len(links)} link(s) checked: {broken} broken, {unverified} could not be verified")
    return 1 if broken else 0


def add_commands(add: Callable[[str, Callable[[argparse.Namespace], int], str], Any]) -> None:
    """Register the contributor subcommands with the main parser (see cli.build_parser)."""
    p = add("new", cmd_new, "Start a paper record from an arXiv id or link: facts from the arXiv API, a template for the notes.")
    p.add_argument("source", metavar="ARXIV_ID_OR_URL", help="e.g. 2310.11511, arXiv:2310.11511v2, https://arxiv.org/abs/2310.11511")
    p.add_argument("--topic", action="append", default=[], help="topic id for the record (repeatable; the file names in topics/)")
    p.add_argument("--id", help="record id and file name (default: from the title's short name, e.g. self-rag)")
    p.add_argument("--offline", action="store_true", help="do not ask the arXiv API; write a scaffold with TODO lines")

    p = add("fields", cmd_fields, "Regenerate the field reference tables in CONTRIBUTING.md from the models.")
    p.add_argument("--check", action="store_true", help="only report whether the tables are stale (exit 1 when they are)")

    p = add("links", cmd_links, "Check the external links of every record (code, DOI, url, further reading); slow, uses the network.")
    p.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for each answer (default 20)")
