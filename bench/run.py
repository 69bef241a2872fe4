"""The scale benchmark (issue 7): one command, a table of figures for each number of papers.

    .venv/bin/python bench/run.py                      # N = 100, 1,000, 10,000 (the last takes several minutes)
    .venv/bin/python bench/run.py --sizes 100,1000     # chosen sizes
    .venv/bin/python bench/run.py --quick              # N = 50, no Zensical, no live-preview server: the CI smoke

For each N it generates a synthetic project (bench/generate.py) in a scratch folder and measures, with the real commands:
`paperkb check`; `render_site` alone; a cold `paperkb build` (time, and peak memory of the whole process tree, sampled
from /proc, plus the largest single process from wait4's rusage); output and page sizes; Pagefind's index size and the
bytes a first search fetches in Debian's Chromium (Playwright), with precision@10 on planted phrases; BibTeX export;
the time to re-render after one record is edited (`build.render_into`) and, through `paperkb serve`, until the edit is
served; the same rendered pages built with stock mkdocs-material and its built-in search (paper pages out of the nav,
and every page in it up to --stock-nav-max-n), with `paperkb build`'s time and memory as ratios to them; optionally a
Zensical build of the same folder. It prints a Markdown table and writes it with the machine's
description to bench/results.md (and the raw figures to results.json beside it).

No figure here is asserted: timings belong in this table, never in a test.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import importlib.util
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate

from paperkb import bibtex, build, render, searchcards, searchshards
from paperkb.localserve import serve
from paperkb.repository import load_kb

BENCH = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGE = os.sysconf("SC_PAGE_SIZE")


# ---- processes: time and memory of a whole process tree -------------------------------------------------------------------


def _tree_rss(root_pid: int) -> int:
    """Resident bytes of `root_pid` and all its descendants right now (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    total = 0
    todo = [root_pid]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * PAGE
        except OSError:
            continue
    return total


@dataclass
class Run:
    seconds: float
    returncode: int
    stdout: str
    stderr: str
    peak_tree_bytes: int  # sampled every 50 ms: the sum over the process tree at its largest
    max_process_bytes: int  # wait4: the largest single process of the tree (the command or any descendant it waited for)
    cpu_seconds: float = 0.0  # wait4: user + system time of the command and every descendant it waited for


def run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run a command to completion, timing it and tracking the memory of its whole process tree."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_rss(proc.pid))
                done.wait(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            seconds,
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            peak,
            usage.ru_maxrss * 1024,
            usage.ru_utime + usage.ru_stime,
        )


def paperkb(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "paperkb", "--root", str(root), *args]


def _uncached(func: Callable[[], Any]) -> Any:
    """Run `func` in this process with the parse cache off (the in-process figures measure parsing itself)."""
    before = os.environ.get("PAPERKB_CACHE")
    os.environ["PAPERKB_CACHE"] = "off"
    try:
        return func()
    finally:
        if before is None:
            del os.environ["PAPERKB_CACHE"]
        else:
            os.environ["PAPERKB_CACHE"] = before


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = func()
    return time.perf_counter() - started, value


# ---- the built site ------------------------------------------------------------------------------------------------------


def folder_bytes(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def html_sizes(site: Path) -> dict[str, Any]:
    papers = [p.stat().st_size for p in (site / "papers").glob("*/index.html")]
    topics = [(p.stat().st_size, p) for p in (site / "topics").rglob("index.html")]
    indexes = [(p.stat().st_size, p) for p in (site / "indexes").rglob("index.html")]
    biggest_topic = max(topics)
    biggest_index = max(indexes)
    return {
        "paper_pages": len(papers),
        "paper_median_kb": statistics.median(papers) / 1024,
        "paper_max_kb": max(papers) / 1024,
        "topic_max_kb": biggest_topic[0] / 1024,
        "topic_max_page": biggest_topic[1].parent.relative_to(site).as_posix() + "/",
        "index_max_kb": biggest_index[0] / 1024,
        "index_max_page": biggest_index[1].parent.relative_to(site).as_posix() + "/",
        "home_kb": (site / "index.html").stat().st_size / 1024,
    }


_TAG = re.compile(r"<[^>]+>")


def pages_with_phrase(site: Path) -> dict[str, set[str]]:
    """Query text -> URL paths of searchable pages (paper pages) whose article contains the query's phrase.

    The article only: every page's navigation lists the topic names, `注意力机制` among them.
    """
    found: dict[str, set[str]] = {q.text: set() for q in generate.QUERIES}
    for page in (site / "papers").glob("*/index.html"):
        html = page.read_text(encoding="utf-8")
        article = html[html.find("<article") : html.find("</article>")]
        text = _TAG.sub("", article).lower()
        for q in generate.QUERIES:
            if q.phrase.lower() in text:
                found[q.text].add("/" + page.parent.relative_to(site).as_posix() + "/")
    return found


_PRECOMPRESSED = (".pf_meta", ".pf_index", ".pf_fragment", ".pagefind")  # the last: the gzipped wasm

_TOP10 = """async (q) => {
  const top = await window.pkbRank(q, {}, 10);  // the search page's own rewriting and ranking (site_config/assets/search.js)
  return {count: await window.pkbCount(q), urls: top.map((d) => d.url)};
}"""
# What a first search fetches: Pagefind's runtime and index, and the search page's own script and query table.
_SEARCH_FILES = ("/pagefind/", "/assets/search.js", "/search/terms.json", "/search/concepts/", "/search/labels.json", "/search/cards/")


def browser_available() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return Path(CHROMIUM).is_file()


def search_figures(site: Path) -> dict[str, Any]:
    """Bytes a first search fetches (Pagefind and the search page's own files; fresh browser context), and precision@10."""
    from playwright.sync_api import sync_playwright

    relevant = pages_with_phrase(site)
    out: dict[str, Any] = {}
    with serve(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for q in generate.QUERIES:
                context = browser.new_context()
                page = context.new_page()
                responses: list[Any] = []
                page.on(
                    "response",
                    lambda r, got=responses: got.append(r) if any(f in urlsplit(r.url).path for f in _SEARCH_FILES) else None,
                )
                page.goto(base + "search/?q=" + quote(q.text))
                page.locator("[data-pkb-search][data-done]").wait_for(timeout=60_000)
                seen, quiet_since = -1, time.perf_counter()
                while time.perf_counter() - quiet_since < 0.8:  # until no /pagefind/ request for 0.8 s
                    if len(responses) != seen:
                        seen, quiet_since = len(responses), time.perf_counter()
                    page.wait_for_timeout(100)
                bodies = [(urlsplit(r.url).path, r.body()) for r in responses if r.ok]
                fetched = sum(len(b) for _, b in bodies)
                # What a host that gzips text (GitHub Pages does) would send; Pagefind's index files are gzip already.
                gzipped = sum(len(b) if path.endswith(_PRECOMPRESSED) else len(gzip.compress(b, 6)) for path, b in bodies)
                index = sum(len(b) for path, b in bodies if path.endswith(_PRECOMPRESSED[:-1]))
                top = page.evaluate(_TOP10, q.text)
                paths = [urlsplit(u).path for u in top["urls"]]
                ideal = min(10, len(relevant[q.text]))
                hits = sum(1 for p in paths if p in relevant[q.text])
                out[q.text] = {
                    "lang": q.lang,
                    "fetched_kb": fetched / 1024,
                    "fetched_gzip_kb": gzipped / 1024,
                    "index_kb": index / 1024,
                    "requests": len(responses),
                    "matches": top["count"],
                    "relevant_pages": len(relevant[q.text]),
                    "hits": hits,
                    "ideal": ideal,
                    "precision": hits / ideal if ideal else None,
                }
                context.close()
        finally:
            browser.close()
    return out


# ---- the live preview --------------------------------------------------------------------------------------------------


def edit_record(root: Path, marker: str) -> tuple[str, Path]:
    """Change one record's one-line summary (as a contributor would); return its id and file."""
    path = sorted((root / "papers").glob("*.yaml"))[len(list((root / "papers").glob("*.yaml"))) // 2]
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'^tldr: "(.*)"$', lambda m: f'tldr: "{m[1].split("〔")[0]}〔{marker}〕"', text, count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")
    return path.stem, path


def preview_figures(root: Path) -> dict[str, Any]:
    """Time from saving one edited record to its re-rendered Markdown on disk (what `paperkb serve` does per change)."""
    pid, _ = edit_record(root, "编辑一")
    started = time.perf_counter()
    kb, problems = load_kb(root)
    assert kb is not None, [p.as_text() for p in problems]
    loaded = time.perf_counter()
    _, report = build.render_into(root, kb)
    done = time.perf_counter()
    return {"paper": pid, "load_s": loaded - started, "render_into_s": done - loaded, "total_s": done - started, "written": report.written}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8", "replace"))
    except OSError:
        return None


def serve_figures(root: Path, timeout: float) -> dict[str, Any]:
    """Through the real `paperkb serve` (its watcher and mkdocs serve): seconds from saving an edit until it is served."""
    port = _free_port()
    # mkdocs serves under site_url's path unless the serve command overrides site_url: try both.
    bases = [f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{port}{urlsplit(build.site_settings(root).site_url).path}"]
    out: dict[str, Any] = {}
    with tempfile.TemporaryFile() as log:
        cmd = paperkb(root, "serve", "--dev-addr", f"127.0.0.1:{port}", "--interval", "0.2")
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            started = time.perf_counter()
            while not (base := next((b for b in bases if _get(b) is not None), "")):
                if proc.poll() is not None or time.perf_counter() - started > timeout:
                    raise RuntimeError("paperkb serve did not start")
                time.sleep(0.2)
            out["startup_s"] = time.perf_counter() - started
            time.sleep(1.0)  # let the watcher take its first snapshot
            pid, _ = edit_record(root, "编辑二")
            edited = time.perf_counter()
            url = f"{base}papers/{pid}/"
            while "编辑二" not in (_get(url) or ""):
                if proc.poll() is not None or time.perf_counter() - edited > timeout:
                    raise RuntimeError("the edit never became visible")
                time.sleep(0.05)
            out["visible_s"] = time.perf_counter() - edited
            time.sleep(0.5)
        except RuntimeError as err:
            out["error"] = str(err)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGINT)  # paperkb serve stops its mkdocs server on Ctrl-C
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)  # whatever is left of the session it started
        log.seek(0)
        text = log.read().decode("utf-8", "replace")
    builds = [float(x) for x in re.findall(r"Documentation built in ([0-9.]+) seconds", text)]
    if len(builds) >= 2:
        out["mkdocs_rebuild_s"] = builds[-1]
    rerender = re.findall(r"re-rendered in ([0-9.]+)s", text)
    if rerender:
        out["paperkb_rerender_s"] = float(rerender[-1])
    return out


# ---- stock mkdocs-material ---------------------------------------------------------------------------------------------


def stock_config(root: Path, every_page_in_nav: bool) -> Path:
    """A config for the same rendered pages with stock mkdocs-material: no theme override, Material's built-in search.

    With `every_page_in_nav` there is no nav (MkDocs lists every page, as a site that does not keep paper pages out
    of the navigation would); otherwise our navigation and `not_in_nav` (paper pages reached by links only).
    """
    work = root / build.WORK
    config = yaml.safe_load((work / "mkdocs.yml").read_text(encoding="utf-8"))
    config["theme"].pop("custom_dir", None)
    config["plugins"] = ["search"]
    if every_page_in_nav:
        config.pop("nav", None)
        config.pop("not_in_nav", None)
    path = work / ("stock-nav.yml" if every_page_in_nav else "stock.yml")
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def stock_figures(root: Path, every_page_in_nav: bool) -> dict[str, Any]:
    """Time, memory and output of `mkdocs build` (stock Material, built-in search) over the pages `paperkb build` rendered."""
    config = stock_config(root, every_page_in_nav)
    site = root / build.WORK / ("stock-nav-site" if every_page_in_nav else "stock-site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = run([sys.executable, "-m", "mkdocs", "build", "-q", "--clean", "-f", str(config), "-d", str(site)], env=env)
    out: dict[str, Any] = {
        "seconds": result.seconds,
        "peak_tree_mb": result.peak_tree_bytes / 2**20,
        "returncode": result.returncode,
        "jieba": importlib.util.find_spec("jieba") is not None,
    }
    if result.returncode != 0:
        out["error"] = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        return out
    size, count = folder_bytes(site)
    out["output_mb"], out["output_files"] = size / 2**20, count
    index = site / "search" / "search_index.json"
    if index.is_file():
        data = index.read_bytes()
        # Material's search fetches this whole file (and its worker and lunr) before the first result.
        out["search_index_mb"], out["search_index_gzip_mb"] = len(data) / 2**20, len(gzip.compress(data, 6)) / 2**20
    papers = [p.stat().st_size for p in (site / "papers").glob("*/index.html")]
    if papers:
        out["paper_median_kb"] = statistics.median(papers) / 1024
    shutil.rmtree(site, ignore_errors=True)
    return out


# ---- Zensical ------------------------------------------------------------------------------------------------------------


def one_index_figures(site: Path, opts: Options) -> dict[str, Any]:
    """The same site searched through ONE Pagefind index instead of the build's shards (issue 15: "measure both"):
    a hard-linked copy of the site whose bundle is rebuilt as a single index of every paper page, its indexing time
    and memory measured like a build, and, with a browser, its first-search figures."""
    copy = site.parent / "one-index-site"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy, copy_function=os.link, ignore=shutil.ignore_patterns("pagefind", "cards"))
    terms = copy / "search" / "terms.json"
    data = json.loads(terms.read_text(encoding="utf-8"))
    data.pop("shards", None)
    terms.unlink()  # a hard link to the build's file: replaced, never written through
    terms.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    pages = copy.parent / "one-index-pages"
    shutil.rmtree(pages, ignore_errors=True)
    pages.mkdir()
    searchshards.link_pages(copy, searchshards.indexed_pages(copy), pages)
    cmd, env = build.pagefind_command(pages, copy / "pagefind")
    indexed = run(cmd, env=env)
    shutil.rmtree(pages, ignore_errors=True)
    out: dict[str, Any] = {
        "seconds": indexed.seconds,
        "cpu_s": indexed.cpu_seconds,
        "peak_mb": indexed.peak_tree_bytes / 2**20,
        "exit": indexed.returncode,
    }
    if indexed.returncode == 0:
        searchcards.write_cards(copy)
        if opts.browser and browser_available():
            out["search"] = search_figures(copy)
    if not opts.keep:
        shutil.rmtree(copy, ignore_errors=True)
    return out


def zensical_figures(root: Path, mkdocs_site: Path) -> dict[str, Any]:
    """Build the generated folder with Zensical and compare its pages with mkdocs' output."""
    exe = Path(sys.executable).with_name("zensical")
    if not exe.is_file():
        return {"error": "zensical is not installed in this environment (pip install zensical)"}
    work = root / build.WORK
    # Zensical 0.0.x panics ("invariant: Id(Format(Path(RootDir)))") on an absolute docs_dir, which the generated
    # config has; this copy differs only in that (relative) and the output folder.
    text = (work / "mkdocs.yml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^docs_dir: .*$", "docs_dir: docs", text) + "site_dir: zensical-site\n"
    config = work / "zensical.yml"
    config.write_text(text, encoding="utf-8")
    shutil.rmtree(work / "zensical-site", ignore_errors=True)
    result = run([str(exe), "build", "-f", str(config), "--clean"], cwd=work)
    out: dict[str, Any] = {"seconds": result.seconds, "peak_tree_mb": result.peak_tree_bytes / 2**20, "returncode": result.returncode}
    site = work / "zensical-site"
    if result.returncode != 0 or not site.is_dir():
        out["error"] = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        return out
    ours = {p.relative_to(mkdocs_site).as_posix() for p in mkdocs_site.rglob("*.html")}
    theirs = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    out["html_pages"] = len(theirs)
    out["missing"] = sorted(ours - theirs)[:10]
    out["extra"] = sorted(theirs - ours)[:10]
    out["output_mb"] = folder_bytes(site)[0] / 2**20
    sample = next(iter(sorted((site / "papers").glob("*/index.html"))), None)
    if sample:
        html = sample.read_text(encoding="utf-8")
        mk = (mkdocs_site / sample.relative_to(site)).read_text(encoding="utf-8")
        out["paper_kb"] = len(html.encode()) / 1024
        out["features"] = {
            name: (pattern in mk, pattern in html)
            for name, pattern in {
                "citation meta tags (override)": 'name="citation_title"',
                "pagefind body marker": "data-pagefind-body",
                "our CSS": "assets/paperkb.css",
                "our JS": "assets/paperkb.js",
                "feed link": "feed.xml",
                "notes block": 'class="pkb-notes"',
                "heading permalink": 'class="headerlink"',
            }.items()
        }
    out["search_index"] = [p.name for p in site.iterdir() if p.name in {"search.json", "pagefind"} or p.name.startswith("search")]
    return out


# ---- one size ------------------------------------------------------------------------------------------------------------


@dataclass
class Options:
    browser: bool = True
    serve: bool = True
    serve_max_n: int = 1000
    zensical: bool = True
    zensical_max_n: int = 10_000
    stock: bool = True
    lean: bool = False
    stock_nav_max_n: int = 1000
    one_index_max_n: int = 10_000
    shard_pages: int | None = None
    keep: bool = False
    workdir: Path | None = None


@dataclass
class Row:
    n: int
    figures: dict[str, Any] = field(default_factory=dict)


def measure(n: int, opts: Options, say: Callable[[str], None]) -> Row:
    row = Row(n)
    f = row.figures
    scratch = Path(tempfile.mkdtemp(prefix=f"paperkb-bench-{n}-", dir=opts.workdir))
    root = scratch / "project"
    try:
        os.environ["PAPERKB_CACHE_DIR"] = str(scratch / "parse-cache")  # removed with the scratch folder
        f["load_before"] = os.getloadavg()[0]  # the machine is shared: every figure is read with the load beside it
        f["generate_s"], _ = timed(lambda: generate.generate(root, n))
        say(f"N={n}: generated in {f['generate_s']:.1f}s")
        if opts.shard_pages:  # another shard size than searchshards.SHARD_PAGES (mkdocs.yml extra.search_shard_pages)
            config = root / "mkdocs.yml"
            text = config.read_text(encoding="utf-8")
            config.write_text(text.replace("\nextra:\n", f"\nextra:\n  search_shard_pages: {opts.shard_pages}\n", 1), encoding="utf-8")

        check = run(paperkb(root, "check"))
        f["check_s"], f["check_exit"], f["check_cpu_s"] = check.seconds, check.returncode, check.cpu_seconds
        f["check_summary"] = (check.stdout.strip().splitlines() or [""])[-1]
        say(f"N={n}: check {check.seconds:.2f}s ({f['check_summary']})")
        again = run(paperkb(root, "check"))  # the records unchanged: read from the parse cache (src/paperkb/parsecache.py)
        f["check_warm_s"], f["check_warm_cpu_s"] = again.seconds, again.cpu_seconds
        say(f"N={n}: check again {again.seconds:.2f}s (parse cache)")

        if not opts.lean:  # in-process figures the build's own phases also show
            f["load_s"], (kb, _) = timed(lambda: _uncached(lambda: load_kb(root)))  # parsed, as before the cache
            assert kb is not None, "generated records do not validate"
            settings = build.site_settings(root)
            f["render_s"], files = timed(lambda: render.render_site(kb, settings))
            f["render_files"] = len(files)
            del files
            f["bibtex_export_s"], bib = timed(lambda: bibtex.export_bibtex(kb, list(kb.papers)))
            f["bibtex_mb"] = len(bib.encode()) / 2**20
            say(f"N={n}: load {f['load_s']:.2f}s, render_site {f['render_s']:.2f}s, export_bibtex {f['bibtex_export_s']:.2f}s")
        bib_cmd = run(paperkb(root, "bib", "--out", str(scratch / "all.bib")))
        f["bib_cmd_s"], f["bib_exit"], f["bib_cmd_cpu_s"] = bib_cmd.seconds, bib_cmd.returncode, bib_cmd.cpu_seconds

        site = root / "site"
        built = run(paperkb(root, "build", "--out", str(site)))
        if built.returncode != 0:
            raise RuntimeError(f"paperkb build failed:\n{built.stdout}\n{built.stderr}")
        f["build_s"], f["build_peak_tree_mb"], f["build_max_process_mb"] = (
            built.seconds,
            built.peak_tree_bytes / 2**20,
            built.max_process_bytes / 2**20,
        )
        f["build_cpu_s"], f["build_load"] = built.cpu_seconds, os.getloadavg()[0]
        phases = re.search(r"load \+ render ([0-9.]+)s, mkdocs ([0-9.]+)s, Pagefind ([0-9.]+)s", built.stdout)
        if phases:
            f["build_phases"] = {"render": float(phases[1]), "mkdocs": float(phases[2]), "pagefind": float(phases[3])}
        say(f"N={n}: build {built.seconds:.1f}s, peak {f['build_peak_tree_mb']:.0f} MB (process tree), load {f['build_load']:.1f}")

        size, count = folder_bytes(site)
        f["output_mb"], f["output_files"] = size / 2**20, count
        f["html"] = html_sizes(site)
        pf_size, pf_count = folder_bytes(site / "pagefind")
        f["pagefind_mb"], f["pagefind_files"] = pf_size / 2**20, pf_count

        if opts.browser and browser_available():
            f["search"] = search_figures(site)
            found = (f"{q} {s['fetched_kb']:.0f} KB p@10 {s['hits']}/{s['ideal']}" for q, s in f["search"].items())
            say(f"N={n}: search " + ", ".join(found))

        f["shards"] = len(build.search_shards(site))
        if f["shards"] > 1 and n <= opts.one_index_max_n:
            f["one_index"] = one_index_figures(site, opts)
            one = f["one_index"]
            say(f"N={n}: one Pagefind index instead of {f['shards']} shards: {one['seconds']:.1f}s, peak {one['peak_mb']:.0f} MB")

        if opts.stock:
            f["stock"] = stock_figures(root, every_page_in_nav=False)
            say(f"N={n}: stock mkdocs-material, paper pages out of the nav: {f['stock']['seconds']:.1f}s {f['stock'].get('error', '')}")
            if n <= opts.stock_nav_max_n:
                f["stock_nav"] = stock_figures(root, every_page_in_nav=True)
                say(f"N={n}: stock mkdocs-material, every page in the nav: {f['stock_nav']['seconds']:.1f}s")

        if opts.zensical and n <= opts.zensical_max_n:
            f["zensical"] = zensical_figures(root, site)
            say(f"N={n}: zensical {f['zensical'].get('seconds', 0):.1f}s {f['zensical'].get('error', '')}")

        if not opts.lean:
            f["preview"] = _uncached(lambda: preview_figures(root))
            say(f"N={n}: edit → render_into {f['preview']['total_s']:.2f}s, {f['preview']['written']} file(s) rewritten")
        if opts.serve and n <= opts.serve_max_n:
            f["serve"] = serve_figures(root, timeout=max(60.0, n * 0.1))
            say(f"N={n}: paperkb serve: edit visible after {f['serve'].get('visible_s', float('nan')):.1f}s {f['serve'].get('error', '')}")
    finally:
        if not opts.keep:
            shutil.rmtree(scratch, ignore_errors=True)
        else:
            say(f"N={n}: kept {scratch}")
    return row


# ---- the report ----------------------------------------------------------------------------------------------------------


def machine() -> str:
    mem = ""
    with contextlib.suppress(OSError), open("/proc/meminfo") as handle:
        kb = int(handle.readline().split()[1])
        mem = f"{kb / 2**20:.1f} GiB memory"
    cpu = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} CPUs ({cpu or platform.machine()}), {mem}, Python {platform.python_version()}, {system}"


def _fmt(value: Any, spec: str = ".2f") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return format(value, spec)
    return str(value)


def _with_cpu(row: Row, wall: str, cpu: str) -> str:
    """'4.86 [4.70]': wall time, and CPU time in brackets when it was measured (runs before issue 15 have none)."""
    value = _fmt(row.figures.get(wall))
    return value + (f" [{row.figures[cpu]:.2f}]" if row.figures.get(cpu) is not None else "")


def _pair(row: Row, key: str, a: str, b: str) -> str:
    got = row.figures.get(key) or {}
    return f"{_fmt(got.get(a), '.1f')} / {_fmt(got.get(b), '.1f')}"


def _ratio(row: Row, key: str) -> str:
    """`paperkb build`'s time and peak memory divided by a stock build's, e.g. '1.9× / 3.2×'."""
    stock = row.figures.get(key) or {}
    ours_s, ours_mb = row.figures.get("build_s"), row.figures.get("build_peak_tree_mb")
    if not stock.get("seconds") or not stock.get("peak_tree_mb") or ours_s is None or ours_mb is None or "error" in stock:
        return "–"
    return f"{ours_s / stock['seconds']:.2f}× / {ours_mb / stock['peak_tree_mb']:.2f}×"


def table(rows: list[Row]) -> str:
    """One column per N; one line per figure."""

    def get(row: Row, *keys: str) -> Any:
        value: Any = row.figures
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value

    lines: list[tuple[str, Callable[[Row], str]]] = [
        ("`paperkb check` (s) [CPU s]", lambda r: _with_cpu(r, "check_s", "check_cpu_s")),
        ("`paperkb check` again, records unchanged (parse cache) (s) [CPU s]", lambda r: _with_cpu(r, "check_warm_s", "check_warm_cpu_s")),
        ("load records, in process (s)", lambda r: _fmt(get(r, "load_s"))),
        ("`render_site` (s)", lambda r: _fmt(get(r, "render_s"))),
        ("generated files", lambda r: _fmt(get(r, "render_files"))),
        ("`paperkb build`, cold (s)", lambda r: _fmt(get(r, "build_s"), ".1f")),
        (
            "  of it: load + render / mkdocs / Pagefind (s)",
            lambda r: " / ".join(_fmt(get(r, "build_phases", k), ".1f") for k in ("render", "mkdocs", "pagefind")),
        ),
        ("  CPU time, whole tree (s)", lambda r: _fmt(get(r, "build_cpu_s"), ".1f")),
        (
            "load average (1 min): before this N / after its build",
            lambda r: f"{_fmt(get(r, 'load_before'), '.1f')} / {_fmt(get(r, 'build_load'), '.1f')}",
        ),
        ("build peak memory, process tree (MB)", lambda r: _fmt(get(r, "build_peak_tree_mb"), ".0f")),
        ("build largest process (MB)", lambda r: _fmt(get(r, "build_max_process_mb"), ".0f")),
        ("output (MB / files)", lambda r: f"{_fmt(get(r, 'output_mb'), '.1f')} / {_fmt(get(r, 'output_files'))}"),
        (
            "paper page HTML, median / max (KB)",
            lambda r: f"{_fmt(get(r, 'html', 'paper_median_kb'), '.1f')} / {_fmt(get(r, 'html', 'paper_max_kb'), '.1f')}",
        ),
        ("largest topic page (KB)", lambda r: _fmt(get(r, "html", "topic_max_kb"), ".1f")),
        ("largest index page (KB)", lambda r: _fmt(get(r, "html", "index_max_kb"), ".1f")),
        ("home page (KB)", lambda r: _fmt(get(r, "html", "home_kb"), ".1f")),
        ("Pagefind index (MB / files)", lambda r: f"{_fmt(get(r, 'pagefind_mb'), '.1f')} / {_fmt(get(r, 'pagefind_files'))}"),
        ("  index shards (searchshards.py; `--shard-pages`)", lambda r: _fmt(get(r, "shards"))),
        (
            "  ONE index instead, same pages: Pagefind (s) [CPU s] / peak (MB)",
            lambda r: (
                f"{_fmt(get(r, 'one_index', 'seconds'), '.1f')} [{_fmt(get(r, 'one_index', 'cpu_s'), '.1f')}]"
                f" / {_fmt(get(r, 'one_index', 'peak_mb'), '.0f')}"
            ),
        ),
    ]

    def per_query(label: str, cell: Callable[[Row, str], str]) -> None:
        """One line per planted query: `label` with `{q}` for the query's text."""
        lines.extend((label.format(q=q.text), lambda r, t=q.text: cell(r, t)) for q in generate.QUERIES)

    def search(r: Row, t: str, key: str, spec: str = "", where: tuple[str, ...] = ("search",)) -> str:
        return _fmt(get(r, *where, t, key), spec) if spec else _fmt(get(r, *where, t, key))

    per_query(
        "first search `{q}`: KB fetched / gzip / of it index (requests)",
        lambda r, t: (
            f"{search(r, t, 'fetched_kb', '.0f')} / {search(r, t, 'fetched_gzip_kb', '.0f')}"
            f" / {search(r, t, 'index_kb', '.0f')} ({search(r, t, 'requests')})"
        ),
    )
    per_query(
        "`{q}`: relevant in top 10 / ideal (matches)",
        lambda r, t: f"{search(r, t, 'hits')}/{search(r, t, 'ideal')} ({search(r, t, 'matches')})",
    )
    one = ("one_index", "search")
    per_query(
        "  ONE index instead: `{q}` KB fetched (requests), relevant in top 10",
        lambda r, t: (
            f"{search(r, t, 'fetched_kb', '.0f', one)} ({search(r, t, 'requests', '', one)}),"
            f" {search(r, t, 'hits', '', one)}/{search(r, t, 'ideal', '', one)}"
        ),
    )
    lines += [
        ("`export_bibtex`, all papers (s)", lambda r: _fmt(get(r, "bibtex_export_s"))),
        ("`paperkb bib --out`, all papers (s) [CPU s]", lambda r: _with_cpu(r, "bib_cmd_s", "bib_cmd_cpu_s")),
        ("edit → `load_kb` + `render_into` (s)", lambda r: _fmt(get(r, "preview", "total_s"))),
        ("  of which `render_into` (s)", lambda r: _fmt(get(r, "preview", "render_into_s"))),
        ("  files rewritten", lambda r: _fmt(get(r, "preview", "written"))),
        ("`paperkb serve`: edit → served (s)", lambda r: _fmt(get(r, "serve", "visible_s"), ".1f")),
        ("  mkdocs serve's own rebuild (s)", lambda r: _fmt(get(r, "serve", "mkdocs_rebuild_s"), ".1f")),
        (
            "**stock mkdocs-material**, paper pages out of the nav: build (s)",
            lambda r: _fmt(get(r, "stock", "seconds"), ".1f"),
        ),
        ("  peak memory, process tree (MB)", lambda r: _fmt(get(r, "stock", "peak_tree_mb"), ".0f")),
        (
            "  output (MB) / paper page median (KB)",
            lambda r: _pair(r, "stock", "output_mb", "paper_median_kb"),
        ),
        (
            "  search index, fetched whole by a first search (MB / gzip MB)",
            lambda r: f"{_fmt(get(r, 'stock', 'search_index_mb'), '.1f')} / {_fmt(get(r, 'stock', 'search_index_gzip_mb'), '.1f')}",
        ),
        ("  `paperkb build` ÷ stock: time / peak memory", lambda r: _ratio(r, "stock")),
        ("**stock mkdocs-material**, every page in the nav: build (s)", lambda r: _fmt(get(r, "stock_nav", "seconds"), ".1f")),
        ("  peak memory, process tree (MB)", lambda r: _fmt(get(r, "stock_nav", "peak_tree_mb"), ".0f")),
        (
            "  output (MB) / paper page median (KB)",
            lambda r: _pair(r, "stock_nav", "output_mb", "paper_median_kb"),
        ),
        ("  `paperkb build` ÷ stock: time / peak memory", lambda r: _ratio(r, "stock_nav")),
        ("Zensical build (s)", lambda r: _fmt(get(r, "zensical", "seconds"), ".1f")),
        ("Zensical HTML pages (mkdocs built the same set)", lambda r: _fmt(get(r, "zensical", "html_pages"))),
    ]
    head = "| figure | " + " | ".join(f"N = {r.n:,}" for r in rows) + " |"
    sep = "|---|" + "---:|" * len(rows)
    body = [f"| {label} | " + " | ".join(cell(r) for r in rows) + " |" for label, cell in lines]
    return "\n".join([head, sep, *body])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="paperkb scale benchmark (issue 7)")
    parser.add_argument("--sizes", default="100,1000,10000", help="comma-separated numbers of papers (default 100,1000,10000)")
    parser.add_argument("--quick", action="store_true", help="N=50, no Zensical, no live-preview server: the CI smoke")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium search measurements")
    parser.add_argument("--no-serve", action="store_true", help="skip the `paperkb serve` measurement")
    parser.add_argument("--serve-max-n", type=int, default=1000, help="measure `paperkb serve` only up to this N (default 1000)")
    parser.add_argument("--no-zensical", action="store_true", help="skip the Zensical build")
    parser.add_argument("--zensical-max-n", type=int, default=10_000, help="build with Zensical only up to this N (default 10000)")
    parser.add_argument(
        "--from-json",
        type=Path,
        nargs="+",
        help="write the report from these results.json files (their rows in the order given) instead of measuring",
    )
    parser.add_argument(
        "--lean", action="store_true", help="skip the in-process figures (render_site, export_bibtex, the edit → render_into)"
    )
    parser.add_argument("--no-stock", action="store_true", help="skip the stock mkdocs-material builds")
    parser.add_argument(
        "--stock-nav-max-n",
        type=int,
        default=1000,
        help="build stock Material with every page in the nav only up to this N (quadratic: ~48 min at 10,000; default 1000)",
    )
    parser.add_argument(
        "--one-index-max-n",
        type=int,
        default=10_000,
        help="where the build shards the index, also measure ONE index of the same pages up to this N (default 10000)",
    )
    parser.add_argument("--shard-pages", type=int, help="pages per search index shard (default: searchshards.SHARD_PAGES)")
    parser.add_argument("--results", type=Path, default=BENCH / "results.md", help="where to write the Markdown results")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects (their paths are printed)")
    parser.add_argument("--workdir", type=Path, help="parent folder for the scratch projects (default: the system temp folder)")
    args = parser.parse_args(argv)

    sizes = [50] if args.quick else [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    opts = Options(
        browser=not args.no_browser,
        serve=not (args.no_serve or args.quick),
        serve_max_n=args.serve_max_n,
        zensical=not (args.no_zensical or args.quick),
        zensical_max_n=args.zensical_max_n,
        stock=not args.no_stock,
        lean=args.lean,
        stock_nav_max_n=args.stock_nav_max_n,
        one_index_max_n=args.one_index_max_n,
        shard_pages=args.shard_pages,
        keep=args.keep,
        workdir=args.workdir,
    )

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    if args.from_json:
        saved = [row for path in args.from_json for row in json.loads(path.read_text(encoding="utf-8"))["rows"]]
        rows = [Row(row.pop("n"), row) for row in saved]
    else:
        rows = []
        for n in sizes:  # each N written as soon as it is measured: a failure at 30,000 keeps 1,000 and 10,000
            rows.append(measure(n, opts, say))
            write_report(args, argv, rows)
    text = write_report(args, argv, rows)
    print(text)
    say(f"wrote {args.results}")
    return 0


def write_report(args: argparse.Namespace, argv: list[str] | None, rows: list[Row]) -> str:
    """bench/results.md (the table, the machine, the command) and results.json (every figure) for `rows`."""
    text = table(rows)
    report = (
        "# paperkb benchmark results\n\n"
        f"Machine: {machine()}.\n\n"
        f"Command: `python bench/run.py {' '.join(argv if argv is not None else sys.argv[1:])}`\n\n"
        f"{text}\n\n"
        "Planted phrases: each query's phrase is in exactly "
        + ", ".join(f"{generate.planted_count(r.n)} (N = {r.n:,})" for r in rows)
        + " paper records; `ideal` is min(10, searchable pages containing it).\n"
    )
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(report, encoding="utf-8")
    args.results.with_suffix(".json").write_text(
        json.dumps({"machine": machine(), "rows": [{"n": r.n, **r.figures} for r in rows]}, ensure_ascii=False, indent=1, default=str)
        + "\n",
        encoding="utf-8",
    )
    return text


if __name__ == "__main__":
    sys.exit(main())
