"""Relative links between pages: urls.relpath is posixpath.relpath without its cost, on every path the site can have."""

from __future__ import annotations

import posixpath

from hypothesis import given
from hypothesis import strategies as st

from paperkb import urls

PART = st.sampled_from(["papers", "topics", "lora", "rag", "index", "page-2", "cite", "all.bib", "a", ".", ".."])
PATH = st.lists(PART, max_size=4).map("/".join) | st.lists(PART, max_size=3).map(lambda p: "/".join(p) + "/")


@given(PATH, PATH)
def test_relpath_is_posix_relpath(target: str, base: str) -> None:
    assert urls.relpath(target, base) == posixpath.relpath(target or ".", base or ".")


def test_relpath_on_the_sites_own_shapes() -> None:
    assert urls.relpath("papers/lora/", "topics/peft/") == "../../papers/lora"
    assert urls.relpath("papers/lora/", "papers/lora/") == "."
    assert urls.relpath("", "papers/lora/") == "../.."
    assert urls.relpath("cite/all.bib", "") == "cite/all.bib"
    assert urls.rel("topics/peft/index.md", "papers/lora.md") == "../../papers/lora/"
