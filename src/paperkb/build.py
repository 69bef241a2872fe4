"""The build shell: render → write only what changed → `mkdocs build --strict` → Pagefind index.

Everything here touches the disk or runs a program; what the site contains is decided in `render.py`.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from paperkb import render, searchcards, searchshards, urls
from paperkb.kb import KnowledgeBase

WORK = ".paperkb-build"


class BuildFailed(Exception):
    """mkdocs or Pagefind failed, or the checkout cannot be built safely; the message says why."""


@dataclass(frozen=True)
class WriteReport:
    written: int
    removed: int
    unchanged: int


def own_folder(path: Path) -> None:
    """Make `path` a real folder of ours: a symbolic link there (committed, or planted) is removed, never followed.

    The work folder is generated, so replacing a link costs nothing; following one would let `write_tree` delete or
    overwrite the files of whatever folder it points at.
    """
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        path.unlink()
    path.mkdir(parents=True, exist_ok=True)


def write_tree(dest: Path, files: dict[str, str | bytes]) -> WriteReport:
    """Make `dest` hold exactly `files`, rewriting only files whose bytes changed (so live preview stays quick).

    Links are removed first and never followed (os.walk does not enter them), so no write or deletion can reach
    outside `dest`: `dest` itself and every folder and file below it are real by the time anything is written.
    """
    own_folder(dest)
    written = unchanged = removed = 0
    existing: set[Path] = set()
    folders: list[Path] = []
    for folder, dirs, names in os.walk(dest):
        for name in dirs + names:
            path = Path(folder, name)
            if path.is_symlink():
                path.unlink()
                removed += 1
            elif name in names:
                existing.add(path)
            else:
                folders.append(path)
    for rel, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        path = dest / rel
        if path in existing and path.read_bytes() == data:
            unchanged += 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written += 1
    wanted = {dest / rel for rel in files}
    for path in existing - wanted:
        path.unlink()
        removed += 1
    for path in sorted(folders, reverse=True):
        if not any(path.iterdir()):
            path.rmdir()
    return WriteReport(written, removed, unchanged)


# What the build reads besides the records: it must be regular files of the checkout. A link there would copy any file
# of the machine into the site (`site_config/assets/extra.txt -> ../../../secret.txt`) or render it as a template.
BUILD_INPUTS = ("mkdocs.yml", "templates", "site_config")


def links_under(root: Path, rel: str) -> list[str]:
    """Symbolic links at or below `root/rel`, relative to root; links are listed, never entered."""
    base = root / rel
    if base.is_symlink():
        return [rel]
    found = []
    for folder, dirs, names in os.walk(base):
        found += [Path(folder, n).relative_to(root).as_posix() for n in dirs + names if Path(folder, n).is_symlink()]
    return sorted(found)


def refuse_links(root: Path) -> None:
    links = [link for rel in BUILD_INPUTS for link in links_under(root, rel)]
    if links:
        raise BuildFailed(
            f"{', '.join(links)}: symbolic link(s) in the site's configuration; the build reads only regular files of the "
            "checkout (a link could copy any file of this machine into the site) — replace each with the file itself"
        )


def site_settings(root: Path) -> render.Settings:
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    return render.Settings(
        site_name=config["site_name"],
        site_url=config["site_url"].rstrip("/") + "/",
        repo_url=config["extra"]["repo_url"],
        templates=root / "templates",
        search_shard_pages=shard_pages(config["extra"].get("search_shard_pages", searchshards.SHARD_PAGES)),
    )


def shard_pages(value: object) -> int:
    """`extra.search_shard_pages` in mkdocs.yml: the most pages one Pagefind run indexes (searchshards.py)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BuildFailed(f"mkdocs.yml: extra.search_shard_pages must be a whole number of pages ≥ 1, not {value!r}")
    return value


def slim_js(source: bytes) -> bytes:
    """A script without its whole-line comments and indentation: the search page's script is part of every first search
    (issue 12's 300 KB budget), and its comments are for readers of the source, not for browsers.

    Only whole lines are touched, so strings, regular expressions and trailing comments stay as written; a template
    literal that spans lines (where indentation is text) is refused rather than changed.
    """
    out = []
    for number, line in enumerate(source.decode("utf-8").split("\n"), 1):
        if line.count("`") % 2:
            raise BuildFailed(f"slim_js: line {number} opens a template literal that spans lines; keep each on one line")
        stripped = line.strip()
        if stripped and not stripped.startswith("//"):
            out.append(stripped)
    return ("\n".join(out) + "\n").encode("utf-8")


def static_files(root: Path) -> dict[str, str | bytes]:
    """Our own assets (CSS, JS) copied into the docs folder; links are refused before this runs (`refuse_links`)."""
    assets = root / "site_config" / "assets"
    files = [p for p in sorted(assets.iterdir()) if p.is_file() and not p.is_symlink()]
    return {f"assets/{p.name}": slim_js(p.read_bytes()) if p.suffix == ".js" else p.read_bytes() for p in files}


def generated_config(root: Path, kb: KnowledgeBase, site_url: str | None = None) -> dict[str, Any]:
    """mkdocs.yml plus the navigation and absolute paths, for the work folder.

    `site_url` replaces the configured one for a local preview: mkdocs serve mounts the site at the URL's path.
    """
    config: dict[str, Any] = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    if site_url:
        config["site_url"] = site_url
    # Paths relative to the generated file (.paperkb-build/): mkdocs resolves them there, and Zensical refuses an
    # absolute docs_dir (bench/README.md).
    config["docs_dir"] = "docs"
    config["theme"]["custom_dir"] = str(Path("..") / config["theme"]["custom_dir"])
    config["nav"] = render.nav(kb)
    off_nav = "".join(f"/{urls.topic_page(tid)}\n" for tid in render.topics_off_nav(kb))
    if off_nav:  # reached through links only, like paper pages: without this `--strict` fails on "not in the nav"
        config["not_in_nav"] = str(config.get("not_in_nav") or "") + off_nav
    return config


def render_into(
    root: Path, kb: KnowledgeBase, site_url: str | None = None, *, preview: dict[str, str] | None = None
) -> tuple[Path, WriteReport]:
    """Render the site's Markdown and data files into the work folder; return the generated config's path.

    `preview` is for `paperkb serve`: pages that replace or add to the rendered ones (a broken record's messages,
    `preview.py`), and the site is rendered in preview mode (the search page says why it has no index).
    """
    refuse_links(root)
    work = root / WORK
    settings = site_settings(root)
    if preview is not None:
        settings = dataclasses.replace(settings, preview=True)
    files: dict[str, str | bytes] = dict(render.render_site(kb, settings))
    files.update(preview or {})
    files.update(static_files(root))
    own_folder(work)
    report = write_tree(work / "docs", files)
    config_path = work / "mkdocs.yml"
    if config_path.is_symlink():
        config_path.unlink()
    text = yaml.safe_dump(generated_config(root, kb, site_url), allow_unicode=True, sort_keys=False)
    if not config_path.is_file() or config_path.read_text(encoding="utf-8") != text:
        config_path.write_text(text, encoding="utf-8")
    return config_path, report


def run_mkdocs(config: Path, out: Path, jobs: int | None = None) -> None:
    """`mkdocs build --strict --clean`, its pages shared between `jobs` processes (default: the cores available;
    `sitebuild.py` says how, and that the output is the same)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    # Not quiet: a raised log level would hide warnings from the counter, and --strict would pass them.
    cmd = [sys.executable, "-m", "paperkb.sitebuild", str(config), str(out.resolve())]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise BuildFailed(f"mkdocs build --strict failed:\n{result.stdout}{result.stderr}")


def pagefind_command(site: Path, bundle: Path) -> tuple[list[str], dict[str, str]]:
    """The Pagefind run that indexes the HTML pages below `site` into the bundle `bundle`, and its environment
    (bench/run.py measures the very same run)."""
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(bundle.resolve())]
    cmd += ["--exclude-selectors", ".headerlink", "--quiet"]
    return cmd, {**os.environ, **searchshards.PAGEFIND_ENV}


def run_pagefind(site: Path, bundle: Path) -> str:
    """Index the HTML pages below `site` into the search bundle `bundle`; returns Pagefind's summary."""
    cmd, env = pagefind_command(site, bundle)
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise BuildFailed(f"pagefind failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def search_shards(out: Path) -> list[str]:
    """The bundles the rendered search page merges (`shards` in search/terms.json, written by searchindex.client_data),
    the first being Pagefind's usual one."""
    terms = out / "search" / "terms.json"
    extra = json.loads(terms.read_text(encoding="utf-8")).get("shards", []) if terms.is_file() else []
    expected = searchshards.bundle_dirs(len(extra) + 1)
    if extra != expected[1:]:  # the output folders Pagefind writes to: never a path the file does not imply
        raise BuildFailed(f"{terms}: `shards` must be {expected[1:]}, not {extra!r}; build again from a clean --out")
    return expected


def refuse_output(out: Path) -> None:
    """Before anything is written: `mkdocs build --clean` empties the output folder, so a folder that is not a site
    (`--out ~/thesis`) or a link to one is refused rather than wiped."""
    if out.is_symlink():
        raise BuildFailed(f"{out} is a symbolic link; remove it, or name the real folder with --out")
    if out.exists() and not (out / "index.html").exists() and any(out.iterdir()):
        raise BuildFailed(f"{out} exists and is not a built site; choose an empty folder with --out")


def build(root: Path, kb: KnowledgeBase, out: Path) -> WriteReport:
    refuse_output(out)
    config, report = render_into(root, kb)
    run_tools(config, out)
    return report


def run_tools(config: Path, out: Path) -> None:
    run_mkdocs(config, out)
    index_search(out)


def index_search(out: Path) -> None:
    """Pagefind's index of the paper pages, in as many shards as the search page was rendered to merge
    (searchshards.py says why and how), then the search page's result cards taken from it (searchcards.py)."""
    bundles = search_shards(out)
    pages = searchshards.indexed_pages(out)
    if not pages:  # no paper yet: Pagefind indexes every page, as it does when no page is marked
        bundles = bundles[:1]
        run_pagefind(out, out / bundles[0])
    else:
        for bundle, part in zip(bundles, searchshards.split(pages, len(bundles)), strict=True):
            # A fresh folder beside the site (hard links need the same file system), never one that already exists.
            scratch = Path(tempfile.mkdtemp(prefix=".pagefind-pages-", dir=out.resolve().parent))
            try:
                searchshards.link_pages(out, part, scratch)
                run_pagefind(scratch, out / bundle)
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
    try:
        searchcards.write_cards(out, bundles)
    except searchcards.CardError as err:
        raise BuildFailed(f"search cards: {err}; pin the Pagefind version in requirements/ or update searchcards.py") from err


@dataclass(frozen=True)
class Rendered:
    papers: int
    topics: int
    report: WriteReport


def render_apart(root: Path) -> tuple[Rendered | None, list[Any]]:
    """Load and render in a forked process: (what was rendered, or None on errors; the problems found).

    The knowledge base and the rendered files (~1 GB at 10,000 papers) then leave with that process, instead of
    staying in `paperkb build` while mkdocs and Pagefind run, which is when the tree's memory peaks. Without
    `os.fork` (Windows) the work is done here.
    """
    from paperkb.problems import count_errors
    from paperkb.repository import load_kb

    def work() -> tuple[Rendered | None, list[Any]]:
        kb, problems = load_kb(root)
        if kb is None or count_errors(problems):
            return None, problems
        _, report = render_into(root, kb)
        return Rendered(len(kb.papers), len(kb.topics), report), problems

    if not hasattr(os, "fork"):
        return work()
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        code = 0
        try:
            result: Any = ("ok", work())
        except BaseException as err:  # re-raised by the parent
            result, code = ("error", err), 1
        with os.fdopen(write_end, "wb") as sink:
            try:
                pickle.dump(result, sink, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # an exception that does not pickle
                pickle.dump(("error", RuntimeError(repr(result[1]))), sink)
        os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as source:
        status, value = pickle.load(source)
    os.waitpid(pid, 0)
    if status != "ok":
        raise value
    rendered: tuple[Rendered | None, list[Any]] = value
    return rendered


def clean(root: Path) -> None:
    work = root / WORK
    if work.is_symlink():
        work.unlink()
    shutil.rmtree(work, ignore_errors=True)
