"""`python -m paperkb.sitebuild` (mkdocs' build on several cores) writes what `mkdocs build --strict` writes, and fails
where it fails (issue 15). The real site was also compared file by file (bench/hashsite.py); this holds the rule on a
small project whose pages outside the navigation link to each other's anchors across workers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import hashsite

pytestmark = pytest.mark.slow

CONFIG = """\
site_name: t
site_url: https://example.org/t/
theme:
  name: material
  features: [navigation.footer, navigation.indexes]
plugins: []
nav:
  - Home: index.md
  - Section:
    - sec/index.md
    - sec/b.md
  - All: p/index.md
not_in_nav: |
  /p/
markdown_extensions:
  - toc:
      permalink: true
  - md_in_html
validation:
  omitted_files: warn
  absolute_links: warn
  unrecognized_links: warn
  anchors: warn
"""


def _project(tmp: Path, broken: bool = False) -> Path:
    docs = tmp / "docs"
    (docs / "sec").mkdir(parents=True)
    (docs / "p").mkdir()
    (tmp / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    (docs / "index.md").write_text("# Home\n\nSee [all](p/index.md) and [one](p/n0.md#part-0).\n", encoding="utf-8")
    (docs / "sec" / "index.md").write_text("# Section\n\ntext\n", encoding="utf-8")
    (docs / "sec" / "b.md").write_text("# B page\n\n## Here\n", encoding="utf-8")
    (docs / "p" / "index.md").write_text("# All pages\n\n" + "".join(f"- [n{i}](n{i}.md)\n" for i in range(9)), encoding="utf-8")
    for i in range(9):
        # Each page links to an anchor of the next one, which another worker renders; one link may be broken.
        target = f"part-{(i + 1) % 9}" if not (broken and i == 4) else "no-such-part"
        body = f"# Page {i}\n\n## Part {i}\n\n<div markdown>\n**{i}** [next](n{(i + 1) % 9}.md#{target}) [b](../sec/b.md#here)\n</div>\n"
        (docs / "p" / f"n{i}.md").write_text(body, encoding="utf-8")
    return tmp / "mkdocs.yml"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, env=env, check=False, timeout=300)


def test_the_pages_are_byte_identical_to_mkdocs_build_whatever_the_number_of_workers(tmp_path: Path) -> None:
    config = _project(tmp_path / "project")
    stock = _run("mkdocs", "build", "--strict", "--clean", "-f", str(config), "-d", str(tmp_path / "stock"))
    assert stock.returncode == 0, stock.stderr
    want = hashsite.manifest(tmp_path / "stock")
    assert "p/n8/index.html" in want and "sitemap.xml" in want
    for jobs in (1, 2, 3):
        got = _run("paperkb.sitebuild", str(config), str(tmp_path / f"j{jobs}"), "--jobs", str(jobs))
        assert got.returncode == 0, got.stderr
        assert hashsite.differences(want, hashsite.manifest(tmp_path / f"j{jobs}")) == [], jobs


def test_a_broken_anchor_in_a_workers_page_fails_the_build_as_in_mkdocs(tmp_path: Path) -> None:
    config = _project(tmp_path / "project", broken=True)
    stock = _run("mkdocs", "build", "--strict", "-f", str(config), "-d", str(tmp_path / "stock"))
    assert stock.returncode == 1
    message = "Doc file 'p/n4.md' contains a link 'n5.md#no-such-part', but the doc 'p/n5.md' does not contain an anchor"
    assert message in stock.stderr
    for jobs in (1, 2):  # with 2, page n4 is the second worker's, and n5 the first's
        got = _run("paperkb.sitebuild", str(config), str(tmp_path / f"j{jobs}"), "--jobs", str(jobs))
        assert got.returncode == 1, got.stderr
        assert message in got.stderr and "Aborted with 1 warnings in strict mode!" in got.stderr


def test_with_a_plugin_it_builds_in_one_process(tmp_path: Path) -> None:
    """A plugin sees every page in its events (the search plugin gathers its index so): no sharing then."""
    config = _project(tmp_path / "project")
    config.write_text(config.read_text(encoding="utf-8").replace("plugins: []", "plugins: [search]"), encoding="utf-8")
    stock = _run("mkdocs", "build", "--strict", "-f", str(config), "-d", str(tmp_path / "stock"))
    got = _run("paperkb.sitebuild", str(config), str(tmp_path / "j2"), "--jobs", "2")
    assert stock.returncode == got.returncode == 0, got.stderr
    want = hashsite.manifest(tmp_path / "stock")
    assert "search/search_index.json" in want
    assert hashsite.differences(want, hashsite.manifest(tmp_path / "j2")) == []
