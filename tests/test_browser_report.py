"""A paper page's "纠错 / report a mistake" link, clicked in the real browser, opens GitHub's issue form for that record.

The request to github.com is intercepted and answered locally (nothing leaves the machine): the test reads the URL the
browser would have opened.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sitetools import Visit

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("record", ["lora", "dpo"])
def test_the_report_link_opens_the_issue_form_with_the_record_id(browser: Any, base_url: str, record: str) -> None:
    v = Visit(browser)
    opened: list[str] = []

    def answer(route: Any) -> None:
        opened.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>issue form</title>")

    v.context.route("https://github.com/**", answer)
    v.page.goto(base_url + f"papers/{record}/")
    link = v.page.get_by_role("link", name="纠错 / report a mistake")
    assert link.count() == 1
    link.click()
    v.page.wait_for_url("https://github.com/**")
    assert len(opened) == 1
    url = urlsplit(opened[0])
    query = parse_qs(url.query)
    assert (url.netloc, url.path) == ("github.com", "/paperkb/paperkb/issues/new")
    assert query == {"template": ["fix-record.yml"], "title": [f"纠错 / fix: {record}"], "record": [record]}
    assert v.errors == []
    assert [u for u in v.foreign() if not u.startswith("https://github.com/")] == []  # only the intercepted click
    v.close()


def test_the_built_home_and_404_pages_link_the_suggest_form(real_site: Any) -> None:
    for page in ("index.html", "404.html"):
        html = (real_site / page).read_text(encoding="utf-8")
        assert 'href="https://github.com/paperkb/paperkb/issues/new?template=suggest-paper.yml"' in html, page
