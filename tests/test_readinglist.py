"""The 待读 list, bulk export and the copy fallback in real Chromium, on the real site: what a reader clicks and downloads.

Downloads are compared with the Python exporters on the same papers, so the files built in the browser from the
per-paper files are exactly what `paperkb bib` writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rispy
from conftest import ROOT
from sitetools import Visit

from paperkb.bibtex import export_bibtex
from paperkb.csl import export_csl
from paperkb.kb import KnowledgeBase
from paperkb.repository import load_kb
from paperkb.ris import export_ris

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    loaded, problems = load_kb(ROOT)
    assert loaded is not None, problems
    return loaded


@pytest.fixture
def reader(browser: Any) -> Iterator[Visit]:
    v = Visit(browser, accept_downloads=True)
    yield v
    assert v.foreign() == [], "requests left localhost"
    assert v.errors == [], "console errors"
    v.close()


def _download(page: Any, selector: str) -> str:
    with page.expect_download() as info:
        page.click(selector)
    return Path(info.value.path()).read_text(encoding="utf-8")


def _listed(page: Any) -> list[str]:
    return json.loads(page.evaluate("localStorage.getItem('pkb-list') || '[]'"))


def _add_three(page: Any, base: str) -> list[str]:
    """One paper from its own page, one from a topic page's cards, one from a year index's table."""
    page.goto(base + "papers/lora/")
    page.click("button[data-pkb-list='lora']")
    assert page.locator("button[data-pkb-list='lora']").get_attribute("aria-pressed") == "true"
    page.goto(base + "topics/rag/")
    card = page.locator(".pkb-card button[data-pkb-list]").first
    second = card.get_attribute("data-pkb-list")
    card.click()
    page.goto(base + "indexes/years/2019/")
    row = page.locator(".pkb-rows button[data-pkb-list]").first
    third = row.get_attribute("data-pkb-list")
    row.click()
    ids = ["lora", second, third]
    assert len(set(ids)) == 3, ids
    page.wait_for_function("Object.keys(JSON.parse(localStorage.getItem('pkb-list-cache') || '{}')).length === 3")
    return ids


def test_three_papers_from_three_pages_export_as_the_cli_would(reader: Visit, base_url: str, kb: KnowledgeBase) -> None:
    page = reader.page
    ids = _add_three(page, base_url)
    page.reload()
    assert _listed(page) == ids  # kept across reloads
    page.goto(base_url + "list/")
    page.wait_for_selector(".pkb-list-items li")
    assert page.locator(".pkb-list-items li").count() == 3
    assert "共 3 篇" in page.inner_text(".pkb-list-count")
    chosen = [kb.paper_by_id[i] for i in ids]
    bib = _download(page, "button[data-pkb-export='bib']")
    assert bib == export_bibtex(kb, chosen)
    ris = _download(page, "button[data-pkb-export='ris']")
    assert ris == export_ris(kb, chosen)
    assert sorted(e["title"] for e in rispy.loads(ris)) == sorted(p.title for p in chosen)
    csl = _download(page, "button[data-pkb-export='json']")
    assert json.loads(csl) == json.loads(export_csl(kb, chosen))
    page.locator("#pkb-list button[data-pkb-list='lora']").click()  # remove from the list page itself
    page.wait_for_function("document.querySelectorAll('.pkb-list-items li').length === 2")
    assert _listed(page) == ids[1:]


def test_share_url_round_trip(browser: Any, base_url: str) -> None:
    sender = Visit(browser)
    ids = _add_three(sender.page, base_url)
    sender.page.goto(base_url + "list/")
    sender.page.wait_for_selector(".pkb-share-url")
    url = sender.page.input_value(".pkb-share-url")
    assert url.endswith("/list/?ids=" + ",".join(ids))
    sender.close()

    receiver = Visit(browser)  # a fresh browser profile: its own list is empty
    receiver.page.goto(url + ",not a valid id,../../etc")
    receiver.page.wait_for_selector(".pkb-list-items li")
    assert receiver.page.locator(".pkb-list-items li").count() == 3  # invalid ids are dropped, not fetched
    assert _listed(receiver.page) == []  # viewing a shared list does not change one's own
    receiver.page.click("button[data-pkb-import]")
    receiver.page.wait_for_url(base_url + "list/")
    receiver.page.wait_for_selector(".pkb-list-items li")
    assert _listed(receiver.page) == ids
    fetched = {u.split("/cite/", 1)[1].rsplit(".", 1)[0] for u in receiver.requests if "/cite/" in u}
    assert fetched == set(ids), fetched  # nothing was fetched for the invalid ids
    assert receiver.foreign() == [] and receiver.errors == []
    receiver.close()


def test_a_paper_removed_by_a_rebuild_is_named_and_can_be_dropped(reader: Visit, base_url: str) -> None:
    page = reader.page
    page.goto(base_url + "list/")
    page.evaluate("localStorage.setItem('pkb-list', JSON.stringify(['lora', 'retired-paper', 'qlora']))")
    # A rebuild that dropped qlora: its files answer 404 from now on (as the static server answers for any missing file).
    page.route("**/cite/qlora.*", lambda route: route.fulfill(status=404, body="not found"))
    reader.errors.clear()
    page.reload()
    page.wait_for_selector(".pkb-list-gone")
    message = page.inner_text(".pkb-list-gone")
    assert "retired-paper" in message and "qlora" in message and "lora," not in message
    assert page.locator(".pkb-list-items li").count() == 1
    page.click("button[data-pkb-drop-gone]")
    page.wait_for_function("!document.querySelector('.pkb-list-gone')")
    assert _listed(page) == ["lora"]
    reader.errors[:] = [e for e in reader.errors if "404" not in e]  # the browser logs the 404s themselves


def test_export_works_offline_from_the_cached_entries(reader: Visit, base_url: str, kb: KnowledgeBase) -> None:
    page = reader.page
    ids = _add_three(page, base_url)
    page.goto(base_url + "list/")
    page.route("**/cite/**", lambda route: route.abort("internetdisconnected"))
    reader.errors.clear()
    page.reload()
    page.wait_for_selector(".pkb-list-items li")
    assert "缓存" in page.inner_text("#pkb-list")
    assert _download(page, "button[data-pkb-export='bib']") == export_bibtex(kb, [kb.paper_by_id[i] for i in ids])
    reader.errors[:] = [e for e in reader.errors if "ERR_INTERNET_DISCONNECTED" not in e]


@pytest.mark.parametrize("path", ["indexes/tags/lora/", "topics/peft/", "search/?q=LoRA"])
def test_a_list_page_and_search_results_export_the_shown_set(reader: Visit, base_url: str, kb: KnowledgeBase, path: str) -> None:
    page = reader.page
    page.goto(base_url + path)
    bar = page.locator(".pkb-export").first
    bar.wait_for(timeout=15000)
    holder = ".pkb-card, .pkb-rows tbody tr, .pkb-result"
    page.wait_for_function(f"document.querySelectorAll('{holder}').length > 0 && document.querySelector('.pkb-export:not([hidden])')")
    container = bar.locator("xpath=following-sibling::*[1]")
    shown = container.locator("button[data-pkb-list]").evaluate_all("bs => bs.map(b => b.dataset.pkbList)")
    assert shown and f"{len(shown)} 篇" in bar.inner_text()
    chosen = [kb.paper_by_id[i] for i in shown]
    assert _download(page, ".pkb-export button[data-pkb-export='bib']") == export_bibtex(kb, chosen)
    assert _download(page, ".pkb-export button[data-pkb-export='ris']") == export_ris(kb, chosen)


def test_topic_files_say_what_they_hold_and_link_the_feed(reader: Visit, base_url: str, kb: KnowledgeBase) -> None:
    reader.page.goto(base_url + "topics/peft/")
    line = reader.page.inner_text(".pkb-topic-count")
    assert f"共 {len(kb.papers_under('peft'))} 条" in line
    assert reader.page.locator(".pkb-topic-count a[href$='cite/topics/peft.ris']").count() == 1
    assert reader.page.locator("a.pkb-feed[href='feed.xml']").count() == 1
    assert reader.page.locator("head link[rel='alternate']").count() == 0


def test_copy_without_the_clipboard_api_selects_the_text_and_says_so(browser: Any, base_url: str) -> None:
    v = Visit(browser)
    v.page.add_init_script("delete Navigator.prototype.clipboard")
    v.page.goto(base_url + "papers/rankgpt/")
    v.page.click(".pkb-copy[data-copy^='bibtex']")
    hint = v.page.locator(".pkb-copy-hint")
    assert "Ctrl+C" in hint.inner_text() and hint.is_visible()
    selected = v.page.evaluate("window.getSelection().toString()")
    assert selected.startswith("@inproceedings{sun2023chatgpt,") and "14918--14937" in selected
    assert v.errors == []
    v.close()


@pytest.mark.parametrize("width", [1440, 390])
def test_bibtex_wraps_instead_of_clipping(browser: Any, base_url: str, width: int) -> None:
    v = Visit(browser, viewport={"width": width, "height": 900})
    v.page.goto(base_url + "papers/rankgpt/")
    code = v.page.locator(".pkb-bibtex code")
    overflow = code.evaluate("c => c.scrollWidth - c.clientWidth")
    assert overflow <= 1, f"the BibTeX block is {overflow}px wider than its box at {width}px"
    assert v.page.evaluate("document.documentElement.scrollWidth") <= width
    v.close()
