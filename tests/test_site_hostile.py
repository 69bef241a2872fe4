"""A hostile record built through the real pipeline renders as inert text."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, TOY
from sitetools import build_site, copy_project, parse

pytestmark = pytest.mark.slow

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "[click](javascript:alert(3))",
    "Title {: onmouseover=alert(4) }",
    "{{ 7*7 }} {% for x in range(3) %}loop{% endfor %}",
    "<a href='javascript:alert(5)'>x</a>",
    "&lt;b&gt; &amp; &#x3C;script&#x3E;",
]
NOTE = """第一段 <script>alert(6)</script>

--8<-- "/etc/passwd"

# 不该成为标题

<iframe src="https://evil.example/"></iframe>

[x](javascript:alert(7)) ![img](https://evil.example/x.png) {: .evil onclick=alert(8) }

| a | b |
|---|---|
| c | d |
"""


def hostile_record() -> str:
    title = " ".join(PAYLOADS).replace('"', '\\"')
    return f'''id: hostile
title: "{title}"
short_name: "<b onclick=alert(9)>X</b>"
title_zh: "[链接](javascript:alert(10))"
arxiv: "2401.99999"
authors: ["<script>alert(11)</script>", "Mallory {{: onclick=x }}"]
year: 2024
topics: [peft]
tldr: "{PAYLOADS[1]} {PAYLOADS[4]}"
notes:
  motivation: |
{"".join("    " + line + chr(10) for line in NOTE.splitlines())}  method: "*强调* `code` $x^2$ **粗体**"
  results: "{PAYLOADS[3]}"
added: "2026-11-24"
'''


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("hostile") / "project", TOY, ROOT)
    (project / "papers" / "hostile.yaml").write_text(hostile_record(), encoding="utf-8")
    return build_site(project, project / "site")


def test_hostile_text_adds_no_element_or_attribute(site: Path) -> None:
    for page in [site / "papers" / "hostile" / "index.html", site / "topics" / "peft" / "index.html", site / "index.html"]:
        parsed = parse(page)
        for tag, attrs in parsed.tags:
            assert tag not in {"iframe", "img", "b"}, (page, tag, attrs)
            assert not any(name.startswith("on") for name in attrs), (page, tag, attrs)
            for name in ("href", "src"):
                assert not (attrs.get(name) or "").lower().startswith(("javascript:", "data:")), (page, tag, attrs)
                assert "evil.example" not in (attrs.get(name) or ""), (page, tag, attrs)
            assert not (tag == "h1" and page.parent.name == "hostile" and "不该" in str(attrs))


def test_hostile_page_has_only_the_themes_scripts(site: Path) -> None:
    """Same scripts as an ordinary paper page built by the same template, and none of them carries a payload."""

    def scripts(page: Path) -> list[tuple[str, str | None]]:
        return [(tag, attrs.get("src")) for tag, attrs in parse(page).tags if tag == "script"]

    hostile = site / "papers" / "hostile" / "index.html"
    assert scripts(hostile) == scripts(site / "papers" / "lora" / "index.html")
    html = hostile.read_text(encoding="utf-8")
    assert all("alert(" not in chunk.split("</script>")[0] for chunk in html.split("<script")[1:])


def test_hostile_text_is_shown_literally(site: Path) -> None:
    html = (site / "papers" / "hostile" / "index.html").read_text(encoding="utf-8")
    text = parse(site / "papers" / "hostile" / "index.html").all_text
    for payload in ("<script>alert(1)</script>", "{{ 7*7 }}", "{: onmouseover=alert(4) }", '--8<-- "/etc/passwd"', "# 不该成为标题"):
        assert payload in text, payload
    assert "root:x:0:0" not in html
    headings = [t for t, _ in parse(site / "papers" / "hostile" / "index.html").tags if t in {"h1", "h2", "h3"}]
    assert headings.count("h1") == 1
