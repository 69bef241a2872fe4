"""Shared fixtures: the toy knowledge base, a scratch copy of it, and the golden-file switch."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# No parse cache in tests (src/paperkb/parsecache.py): mutation testing changes behaviour without changing the source
# the cache is keyed on, and a test must not read what another test's run left in the user's cache folder. The tests of
# the cache turn it on for themselves. Set here, it reaches every `paperkb` subprocess the tests start.
os.environ["PAPERKB_CACHE"] = "off"

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TOY = FIXTURES / "kb"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files instead of comparing (review the diff)")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def toy(tmp_path: Path) -> Path:
    """A writable copy of the toy knowledge base."""
    dest = tmp_path / "kb"
    shutil.copytree(TOY, dest)
    return dest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch project: this repository's site configuration (mkdocs.yml, templates/, site_config/) with the toy
    knowledge base's records, for tests that render or build."""
    from sitetools import copy_project

    return copy_project(tmp_path / "project", TOY, ROOT)


def golden(path: Path, actual: str, update: bool) -> None:
    """Compare `actual` with the golden file, or rewrite it under --update-golden."""
    if update or not path.exists():
        if not update:
            pytest.fail(f"golden file {path} is missing; run pytest --update-golden and review it")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert actual == path.read_text(encoding="utf-8"), f"{path} differs; if the change is intended run pytest --update-golden"


@pytest.fixture(autouse=True)
def _fresh_render_memos() -> None:
    """Every test renders for itself: render.py remembers notes, tl;drs and BibTeX entries across renders in a process.

    The memos are for live preview; across tests they let a test pass on what an earlier test rendered without running
    the code it names. mutmut forks its mutant runs from the process that ran the whole suite once, so a memo filled
    there made every change to the memoised functions look unnoticed (tests/mutation/README.md).
    """
    render = sys.modules.get("paperkb.render")  # not imported yet: nothing remembered
    if render is not None:
        render._notes_html.cache_clear()
        render._tldr_html.cache_clear()
        render._BIBTEX.clear()
        render._TERMS.clear()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run that collected no test is a broken run, not a green one: turn pytest's exit 5 into a failure."""
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real knowledge base built through the real pipeline, once per test session, outside the work tree."""
    from sitetools import build_site, copy_project

    project = copy_project(tmp_path_factory.mktemp("real") / "project", ROOT, ROOT)
    return build_site(project, project / "site")


# ---- the real browser (Debian's Chromium driven by Playwright, localhost only) --------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright
    from sitetools import CHROMIUM, CHROMIUM_ARGS

    assert shutil.which(CHROMIUM), "Debian chromium is missing: run `bash .ci/test`, which installs it"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def base_url(real_site: Path) -> Iterator[str]:
    from sitetools import serve

    with serve(real_site) as url:
        yield url


@pytest.fixture
def visit(browser: Any) -> Iterator[Any]:
    """A fresh browser context; the test fails if the page called another host or logged an error."""
    from sitetools import Visit

    v = Visit(browser)
    yield v
    assert v.foreign() == [], "requests left localhost"
    assert v.errors == [], "console errors"
    v.close()
