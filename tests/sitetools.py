"""Helpers for tests of the built site: build once, parse HTML, serve on localhost."""

from __future__ import annotations

import functools
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from paperkb import build
from paperkb.localserve import serve as serve  # re-exported for the tests
from paperkb.repository import load_kb


def build_site(root: Path, out: Path) -> Path:
    """Run the real pipeline (check → render → mkdocs build --strict → Pagefind) on the knowledge base at `root`."""
    kb, problems = load_kb(root)
    assert kb is not None, "\n".join(p.as_text() for p in problems)
    build.build(root, kb, out)
    return out


def copy_project(dest: Path, kb: Path, project: Path) -> Path:
    """A scratch project: the site configuration of `project` with the records of `kb`."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("templates", "site_config"):
        shutil.copytree(project / name, dest / name)
    shutil.copy(project / "mkdocs.yml", dest / "mkdocs.yml")
    for name in ("papers", "topics", "registry"):
        shutil.copytree(kb / name, dest / name)
    return dest


class Page(HTMLParser):
    """Tags, attributes and text of one HTML file."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def all_text(self) -> str:
        return "".join(self.text)


@functools.lru_cache(maxsize=4096)
def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def internal_targets(site: Path, html_file: Path) -> Iterator[tuple[str, Path | None]]:
    """(href, resolved file or None) for every link to this site from one page."""
    base = "http://site/" + html_file.relative_to(site).as_posix()
    for tag, attrs in parse(html_file).tags:
        href = attrs.get("href") if tag in {"a", "link"} else attrs.get("src") if tag in {"script", "img"} else None
        if not href or href.startswith(("#", "mailto:")):
            continue
        url = urlsplit(urljoin(base, href))
        if url.netloc != "site":
            continue
        rel = unquote(url.path).lstrip("/")
        target = site / rel
        if rel == "" or rel.endswith("/"):
            target = target / "index.html"
        yield href, target if target.is_file() else None


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class Visit:
    """A browser page that records every request and console error."""

    def __init__(self, browser: Any, **context: Any) -> None:
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def foreign(self) -> list[str]:
        return [u for u in self.requests if urlsplit(u).hostname not in {"127.0.0.1", "localhost"} and not u.startswith("data:")]

    def search(self, base_url: str, query: str = "", **filters: str) -> None:
        """Open the search page for a query (and filters) and wait until its results are shown."""
        from urllib.parse import urlencode

        params = urlencode({**({"q": query} if query else {}), **filters})
        self.page.goto(base_url + "search/" + (f"?{params}" if params else ""))
        self.page.wait_for_selector("[data-pkb-search][data-done]", timeout=20_000)

    def close(self) -> None:
        self.context.close()
