"""The contribution templates: issue forms, the links that prefill them, the PR template, CODEOWNERS as a setting.

GitHub prefills an issue form from the URL (`template`, `title`, and any field by its `id`), so a paper page's
"纠错 / report a mistake" link opens the form with the record id already in the title and in the `record` field. These
tests hold the links to forms that exist and to field ids the forms have; the real browser test clicks the link.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml
from conftest import ROOT, TOY
from sitetools import copy_project

from paperkb import build
from paperkb.repository import load_kb

FORMS = ROOT / ".github" / "ISSUE_TEMPLATE"


def _form(name: str) -> dict:  # type: ignore[type-arg]
    data = yaml.safe_load((FORMS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _links(text: str) -> list[str]:
    return [m.replace("&amp;", "&") for m in re.findall(r'href="([^"]*/issues/new\?[^"]*)"', text)]


def test_the_fix_form_asks_for_the_record_the_field_the_correction_and_a_source() -> None:
    form = _form("fix-record.yml")
    assert form["name"] == "纠错 / report a mistake" and form["title"] == "纠错 / fix: "
    fields = {item["id"]: item for item in form["body"] if "id" in item}
    assert set(fields) == {"record", "field", "correction", "source"}
    assert fields["record"]["type"] == "input" and all(f["validations"]["required"] for f in fields.values())


def test_every_issue_link_opens_a_form_that_exists_with_field_ids_it_has(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", TOY, ROOT)
    kb, problems = load_kb(project)
    assert kb is not None, problems
    build.render_into(project, kb)
    docs = project / build.WORK / "docs"
    pages = {rel: (docs / rel).read_text(encoding="utf-8") for rel in ("papers/lora.md", "papers/gpt-2.md", "index.md")}
    pages["404.html"] = (ROOT / "site_config" / "overrides" / "404.html").read_text(encoding="utf-8")
    seen = set()
    for rel, text in pages.items():
        links = _links(text)
        assert links, f"{rel} links to no issue form"
        for link in links:
            query = parse_qs(urlsplit(link).query)
            template = query.pop("template")[0]
            form = _form(template)
            seen.add(template)
            ids = {item["id"] for item in form["body"] if "id" in item}
            assert set(query) - {"title"} <= ids, (rel, link)
            if "title" in query:
                assert query["title"][0].startswith(form["title"]), (rel, link)
    assert seen == {"fix-record.yml", "suggest-paper.yml"}
    [fix] = [link for link in _links(pages["papers/lora.md"]) if "fix-record.yml" in link]
    query = parse_qs(urlsplit(fix).query)
    assert query["title"] == ["纠错 / fix: lora"] and query["record"] == ["lora"]
    assert fix.startswith("https://github.com/paperkb/paperkb/issues/new?")  # extra.repo_url of mkdocs.yml
    assert "suggest-paper.yml" in "".join(_links(pages["index.md"])) and "suggest-paper.yml" in "".join(_links(pages["404.html"]))


def test_the_pull_request_template_has_a_source_line() -> None:
    text = (ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    assert "**依据 / Source**" in text and "required when fixing a record" in text
    assert "paperkb check --changed" in text


def test_codeowners_is_a_documented_setting() -> None:
    owners = (ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Hosting your own copy") :].split("\n## ", 1)[0]
    assert 'README.md, "Hosting your own copy"' in owners
    for setting in ("`site_url`", "`extra.repo_url`", "`.github/CODEOWNERS`", "branch protection", "@paperkb/maintainers"):
        assert setting in section, setting
    # the placeholder the README tells a host to replace is the one CODEOWNERS uses
    assert set(re.findall(r"@\S+", "\n".join(line for line in owners.splitlines() if not line.startswith("#")))) == {"@paperkb/maintainers"}
