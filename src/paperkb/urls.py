"""Where every generated page lives, and relative links between them.

Contributed text reaches pages inside raw HTML blocks, which MkDocs neither validates nor rewrites, so links between our
own pages are computed here, relative (the site works under any base path, e.g. a GitHub Pages project folder), and
checked after the build by the end-to-end test that resolves every internal link.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata

# Source Markdown path -> the URL directory MkDocs gives it (use_directory_urls: `a/b.md` -> `a/b/`, `a/index.md` -> `a/`).


def page_dir(src: str) -> str:
    stem = src.removesuffix(".md")
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def relpath(target: str, base: str) -> str:
    """`posixpath.relpath(target or ".", base or ".")` for the site's relative paths, without its two `abspath` calls
    (a tenth of rendering the site: every page links to dozens of others); anything unusual goes to posixpath."""
    t = [part for part in target.split("/") if part]
    b = [part for part in base.split("/") if part]
    if target.startswith("/") or base.startswith("/") or any(part in {".", ".."} for part in (*t, *b)):
        return posixpath.relpath(target or ".", base or ".")
    common = 0
    for x, y in zip(t, b, strict=False):
        if x != y:
            break
        common += 1
    return "/".join([".."] * (len(b) - common) + t[common:]) or "."


def rel(from_src: str, to: str) -> str:
    """Relative URL from the page built from `from_src` to `to` (a page source `x.md` or a file path like `bib/x.bib`)."""
    target = page_dir(to) if to.endswith(".md") else to
    base = page_dir(from_src)
    out = relpath(target, base)
    if to.endswith(".md"):
        out = "./" if out == "." else out + "/"
    return out


def paper_page(pid: str) -> str:
    return f"papers/{pid}.md"


def topic_page(tid: str, page: int = 1, own_only: bool = False) -> str:
    """A topic's listing (with its sub-topics' papers), or with `own_only` the papers filed under the topic itself."""
    if own_only:
        return f"topics/{tid}/own.md" if page == 1 else f"topics/{tid}/own-{page}.md"
    return f"topics/{tid}/index.md" if page == 1 else f"topics/{tid}/page-{page}.md"


def author_page(slug: str) -> str:
    return f"authors/{slug}.md"


def papers_list_page(page: int) -> str:
    """The list of every paper: /papers/, then /papers/page/2/ … (no paper id contains a slash, so none can clash)."""
    return "papers/index.md" if page == 1 else f"papers/page/{page}.md"


def slug(text: str) -> str:
    """ASCII slug for group pages (institutions, venues); non-ASCII names fall back to a stable code-point form."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return out or "u" + "-".join(f"{ord(c):x}" for c in text[:12])
