"""The scale benchmark still runs end to end (issue 7): `bench/run.py --quick` on 50 synthetic papers.

Sane figures only, never timing thresholds: this test keeps the benchmark from rotting; the figures themselves are
read by people in bench/README.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow


def test_quick_benchmark_produces_a_sane_table(tmp_path: Path) -> None:
    results = tmp_path / "results.md"
    proc = subprocess.run(
        [
            *(sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--shard-pages", "20"),
            *("--results", str(results), "--workdir", str(tmp_path)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "| figure | N = 50 |" in proc.stdout
    assert results.read_text(encoding="utf-8").startswith("# paperkb benchmark results")

    [row] = json.loads(results.with_suffix(".json").read_text(encoding="utf-8"))["rows"]
    assert row["n"] == 50
    assert row["check_exit"] == 0 and row["check_summary"].startswith("0 errors, 0 warnings")
    assert row["bib_exit"] == 0 and row["bibtex_mb"] > 0
    for key in ("check_s", "load_s", "render_s", "build_s", "bibtex_export_s", "bib_cmd_s"):
        assert row[key] > 0, key
    assert row["render_files"] > 50 * 3  # a page, a .bib and a CSL-JSON file per paper, and more
    assert row["build_peak_tree_mb"] >= row["build_max_process_mb"] > 10
    assert row["html"]["paper_pages"] == 50
    assert 1 < row["html"]["paper_median_kb"] <= row["html"]["paper_max_kb"]
    assert row["output_mb"] > row["pagefind_mb"] > 0
    assert 1 <= row["preview"]["written"] < row["render_files"]  # one edit rewrites a few files, not the site
    if "search" in row:  # measured when Playwright and Debian's Chromium are installed (they are in CI)
        for query, figures in row["search"].items():
            assert figures["requests"] > 0 and figures["fetched_kb"] > 0, query
            assert 0 <= figures["hits"] <= figures["ideal"] <= 10, query
    # Sharded (50 pages, 20 a shard), and measured again as one index of the same pages (issue 15: "measure both").
    assert row["shards"] == 3
    assert row["one_index"]["exit"] == 0 and row["one_index"]["peak_mb"] > 10
    if "search" in row:
        assert row["one_index"]["search"].keys() == row["search"].keys()
        for query, figures in row["one_index"]["search"].items():
            assert figures["matches"] == row["search"][query]["matches"], query  # the same pages found
    # The stock baseline (issue 15): the same pages with stock mkdocs-material, out of the nav and all in it.
    for key in ("stock", "stock_nav"):
        assert row[key]["returncode"] == 0 and "error" not in row[key], row[key]
        assert row[key]["output_mb"] > 0 and row[key]["search_index_mb"] > 0, key
    assert row["stock_nav"]["paper_median_kb"] > row["stock"]["paper_median_kb"]  # every page lists every page
    # The benchmark cleans up after itself.
    assert not list(tmp_path.glob("paperkb-bench-*"))


def test_collection_citation_files_equal_the_exporters_output() -> None:
    """render.py assembles topic and collection .bib/.json files from per-paper pieces (a fix found by the benchmark);
    they must stay byte-identical to what `export_bibtex` / `export_csl` make of the same papers."""
    from paperkb import bibtex, build, csl, render
    from paperkb.repository import load_kb

    kb, _ = load_kb(ROOT)
    assert kb is not None
    files = render.render_site(kb, build.site_settings(ROOT))
    for topic in kb.topics:
        papers = kb.papers_under(topic.id)
        assert files[f"cite/topics/{topic.id}.bib"] == bibtex.export_bibtex(kb, papers), topic.id
        assert files[f"cite/topics/{topic.id}.json"] == csl.export_csl(kb, papers), topic.id
    assert files["cite/all.bib"] == bibtex.export_bibtex(kb, list(kb.papers))
    assert files["cite/all.json"] == csl.export_csl(kb, list(kb.papers))
    assert render.render_site(kb, build.site_settings(ROOT)) == files  # memoised pieces give the same site again
