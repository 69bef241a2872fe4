"""`mkdocs build --strict --clean` on more than one core, writing the same bytes.

    python -m paperkb.sitebuild CONFIG SITE_DIR [--jobs N]

MkDocs renders page after page in one process; at 10,000 papers that is over a minute on one core while the other
idles (bench/README.md). The pages that are not in the navigation (paper, author, index and paging pages: almost all
of them) depend on nothing but their own source, the shared `Files` and the navigation, so they can be rendered in
forked workers. This module runs MkDocs' own build steps, in MkDocs' own order, with one change: after the navigation
is made, the process forks N - 1 times, and each of the N processes reads and renders every page in the navigation
(their titles fill the menu of every page; a few dozen pages) plus every N-th page outside it, and writes what it
rendered. Anchor validation needs every page's anchors, so each worker sends its pages' anchors and anchor links back
to the first process, which validates them all in MkDocs' order and aborts on any warning, as `--strict` does.

A plugin sees every page in its events (the search plugin builds its index so), so with any plugin configured the
build runs in one process. paperkb configures none.

What stays MkDocs' alone: the config, the file list, the navigation, Markdown, the theme's templates, every write.
Equality with `mkdocs build` is tested (tests/test_sitebuild.py) and was checked on the real site file by file
(bench/hashsite.py). This uses MkDocs 1.6's build internals (`_populate_page`, `_build_page`): MkDocs 1.x is frozen at
1.6.1 (its successor drops plugins and themes), and the test fails if they change.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import pickle
import sys
import time
import traceback
from collections.abc import Sequence
from typing import Any

from mkdocs import config as mkconfig
from mkdocs import utils
from mkdocs.commands import build as mkbuild
from mkdocs.exceptions import Abort, BuildError
from mkdocs.structure.files import File, Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.commands.build")


def default_jobs() -> int:
    """The cores this process may run on (the scheduler's affinity mask, which containers and CI set)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def shares(files: Sequence[File], in_nav: set[str], jobs: int) -> list[list[File]]:
    """Which pages each of `jobs` processes renders: all pages in the navigation (`in_nav`: their titles are in every
    page's menu and footer) everywhere, the others dealt out in turn (neighbours in the sorted list are alike in size,
    so the shares are even)."""
    if jobs == 1:  # MkDocs' own order (a plugin may depend on it)
        return [list(files)]
    rest = [f for f in files if f.src_uri not in in_nav]
    return [[f for f in files if f.src_uri in in_nav] + rest[k::jobs] for k in range(jobs)]


def _populate(share: list[File], config: Any, files: Files) -> None:
    """Read and render the Markdown of the pages in `share`."""
    for file in share:
        assert file.page is not None
        mkbuild._populate_page(file.page, config, files)


def _write(
    share: list[File], own: set[str], in_nav: set[str], config: Any, doc_files: Sequence[File], nav: Any, env: Any
) -> dict[str, tuple[set[str] | None, dict[str, dict[str, str]] | None]]:
    """Write the pages of `share` that are in `own` through the theme; their anchors and anchor links, for validation."""
    anchors = {}
    for file in share:
        page = file.page
        assert page is not None
        if file.src_uri not in own:
            continue
        mkbuild._build_page(page, config, doc_files, nav, env)  # not serving: no draft is built
        links = None if page.links_to_anchors is None else {to.src_uri: dict(v) for to, v in page.links_to_anchors.items()}
        anchors[file.src_uri] = (page.present_anchor_ids, links)
        # Written: the HTML of a page outside the navigation is needed no more (MkDocs keeps every page's content to
        # the end). A page in it keeps its content: without it `Page.title` is None, and the title is in the menu.
        if file.src_uri not in in_nav:
            page.content = page.markdown = None
    return anchors


def build(config: Any, jobs: int) -> None:
    """MkDocs' `build.build(config)` (clean, not dirty, not serving), with the pages outside the navigation shared
    between `jobs` processes."""
    logger = logging.getLogger("mkdocs")
    warning_counter = utils.CountHandler()
    warning_counter.setLevel(logging.WARNING)
    if config.strict:
        logger.addHandler(warning_counter)
    inclusion = InclusionLevel.is_included
    try:
        start = time.monotonic()
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        log.info("Cleaning site directory")
        utils.clean_directory(config.site_dir)
        log.info(f"Building documentation to directory: {config.site_dir}")

        files = get_files(config)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)
        pages = list(files.documentation_pages(inclusion=inclusion))
        for file in pages:
            if file.page is None and file.inclusion.is_not_in_nav():
                Page(None, file, config)
        doc_files = files.documentation_pages(inclusion=inclusion)

        # Pages in the navigation, whatever their inclusion level (`papers/index.md` is in it and matches not_in_nav).
        in_nav = {page.file.src_uri for page in nav.pages}
        parts = shares(pages, in_nav, jobs)
        children: list[tuple[int, int, int]] = []
        for k in range(1, len(parts)):
            read_end, write_end = os.pipe()
            go_read, go_write = os.pipe()
            pid = os.fork()
            if pid == 0:  # a worker: render its share, send back anchors and warning counts, exit
                for fd in (read_end, go_write, *(fd for child in children for fd in child[1:])):
                    os.close(fd)  # only the first process holds the other workers' pipes
                warning_counter.counts.clear()  # warnings before the fork are the first process's to count
                code = 0
                try:
                    _populate(parts[k], config, files)
                    # Pages are written after the static files and the theme's templates, as in MkDocs (a page
                    # overwrites a static file of the same name, never the other way round).
                    if os.read(go_read, 1) != b"1":
                        raise RuntimeError("the first process stopped before the pages were written")
                    own = {f.src_uri for f in parts[k]} - in_nav
                    result: Any = ("ok", _write(parts[k], own, in_nav, config, doc_files, nav, env), warning_counter.counts)
                except BaseException:  # reported to the first process, which raises
                    result, code = ("error", traceback.format_exc(), {}), 1
                with os.fdopen(write_end, "wb") as out:
                    pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
                logging.shutdown()
                os._exit(code)
            os.close(write_end)
            os.close(go_read)
            children.append((pid, read_end, go_write))

        go = b"0"
        try:
            _populate(parts[0], config, files)
            env = config.plugins.on_env(env, config=config, files=files)
            # Static files and the theme's templates (404, sitemap) after every page in the navigation is read (their
            # menus show its titles) and before any page is written, as MkDocs orders them.
            files.copy_static_files(inclusion=inclusion)
            for template in config.theme.static_templates:
                mkbuild._build_theme_template(template, env, files, config, nav)
            for template in config.extra_templates:
                mkbuild._build_extra_template(template, files, config, nav)
            go = b"1"
        finally:  # the workers write their pages now, or stop (b"0") when this process failed
            for _, _, go_write in children:
                with contextlib.suppress(OSError):
                    os.write(go_write, go)
                os.close(go_write)
            if go != b"1":
                for pid, read_end, _ in children:
                    os.close(read_end)
                    os.waitpid(pid, 0)
        doc_files = files.documentation_pages(inclusion=inclusion)
        anchors = _write(parts[0], {f.src_uri for f in parts[0]}, in_nav, config, doc_files, nav, env)
        failures = []
        for pid, read_end, _ in children:
            with os.fdopen(read_end, "rb") as got:
                status, value, counts = pickle.load(got)
            os.waitpid(pid, 0)
            if status != "ok":
                failures.append(value)
                continue
            anchors.update(value)
            for level, n in counts.items():
                warning_counter.counts[level] += n
        if failures:
            raise BuildError("a build worker failed:\n" + "\n".join(failures))

        by_uri = {f.src_uri: f for f in files}
        for file in doc_files:
            page = file.page
            assert page is not None
            present, links = anchors[file.src_uri]
            page.present_anchor_ids = present
            page.links_to_anchors = None if links is None else {by_uri[to]: v for to, v in links.items()}
        log_level = config.validation.links.anchors
        for file in doc_files:
            assert file.page is not None
            file.page.validate_anchor_links(files=files, log_level=log_level)

        config.plugins.on_post_build(config=config)
        if counts := warning_counter.get_counts():
            msg = ", ".join(f"{v} {k.lower()}s" for k, v in counts)
            raise Abort(f"Aborted with {msg} in strict mode!")
        log.info(f"Documentation built in {time.monotonic() - start:.2f} seconds")
    except Exception as e:
        config.plugins.on_build_error(error=e)
        if isinstance(e, BuildError):
            log.error(str(e))
            raise Abort("Aborted with a BuildError!") from e
        raise
    finally:
        logger.removeHandler(warning_counter)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("config")
    parser.add_argument("site_dir")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="processes (default: the cores available)")
    args = parser.parse_args(argv)
    from mkdocs.__main__ import State, _enable_warnings  # MkDocs' own log format and warning filters, as `mkdocs build`

    state = State()  # type: ignore[no-untyped-call]  # kept: its __del__ removes the log handler
    _enable_warnings()  # type: ignore[no-untyped-call]
    cfg = mkconfig.load_config(config_file=args.config, site_dir=args.site_dir, strict=True)
    cfg.plugins.on_startup(command="build", dirty=False)
    try:
        build(cfg, 1 if cfg.plugins else max(1, args.jobs))
    except Abort as err:
        print(f"Aborted: {err}", file=sys.stderr)
        return 1
    finally:
        cfg.plugins.on_shutdown()
        del state
    return 0


if __name__ == "__main__":
    sys.exit(main())
