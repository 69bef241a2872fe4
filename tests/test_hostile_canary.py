"""Canaries: fake secrets planted where a build machine keeps real ones never reach anything the build writes.

A copy of the project gets a `.git/config` holding a token (where `actions/checkout` persists its credentials), a `.env`, a
home folder with the usual credential files and an environment variable. Records then ask for all of them in every way the
stack below us could honour: snippet lines (`--8<--`), Jinja and mkdocs-macros syntax, include statements. The real build
runs from the project folder with HOME pointing at the fake home, and every file it produced is searched: pages, data
files, citations, the generated Markdown and configuration, and Pagefind's index. Pagefind's files are gzip-compressed and
its segmenter puts zero-width spaces between tokens, so they are decompressed and cleaned first; a probe word that the
records do show must be found the same way, which proves the search would see a canary.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from conftest import ROOT, TOY
from sitetools import build_site, copy_project

pytestmark = pytest.mark.slow

# One lower-case word each, so that a tokenising search index would keep them whole.
CANARIES = {
    "gitconfig": "pkbcanarygitconfig7f3a91",
    "githeader": "pkbcanarygitheader2c44d0",
    "dotenv": "pkbcanarydotenv52be17",
    "netrc": "pkbcanarynetrc0b9e63",
    "credentials": "pkbcanarycredentials8d1f",
    "gh": "pkbcanaryghhosts6a2c05",
    "ssh": "pkbcanarysshkey3e7d88",
    "environ": "pkbcanaryenviron4f0a12",
}
PROBE = "pkbprobevisible51c3"


def plant(project: Path, home: Path) -> None:
    (project / ".git").mkdir()
    (project / ".git" / "config").write_text(
        '[remote "origin"]\n'
        f"\turl = https://x-access-token:{CANARIES['gitconfig']}@github.com/paperkb/paperkb\n"
        '[http "https://github.com/"]\n'
        f"\textraheader = AUTHORIZATION: basic {CANARIES['githeader']}\n",
        encoding="utf-8",
    )
    (project / ".env").write_text(f"GITHUB_TOKEN={CANARIES['dotenv']}\n", encoding="utf-8")
    for rel, secret in [
        (".netrc", f"machine github.com login x password {CANARIES['netrc']}\n"),
        (".git-credentials", f"https://x:{CANARIES['credentials']}@github.com\n"),
        (".config/gh/hosts.yml", f"github.com:\n    oauth_token: {CANARIES['gh']}\n"),
        (".ssh/id_ed25519", f"-----BEGIN OPENSSH PRIVATE KEY-----\n{CANARIES['ssh']}\n-----END OPENSSH PRIVATE KEY-----\n"),
    ]:
        (home / rel).parent.mkdir(parents=True, exist_ok=True)
        (home / rel).write_text(secret, encoding="utf-8")


def hostile_records(project: Path, home: Path) -> None:
    wanted = [".env", str(project / ".env"), str(project / ".git" / "config"), ".git/config", "~/.netrc", str(home / ".git-credentials")]
    snippet_lines = [f'--8<-- "{path}"' for path in wanted] + ["--8<--", *wanted, "--8<--"]
    template_lines = [
        "{{ config }}",
        "{{ config.extra }}",
        "{% include '.env' %}",
        "{% include '" + str(project / ".git" / "config") + "' %}",
        "{{ environ.GITHUB_TOKEN }}",
        "{{ env.PAPERKB_TEST_SECRET }}",
        "{{ lipsum.__globals__['os'].environ }}",
    ]
    note = "\n".join([f"{PROBE} 探针", *snippet_lines, *template_lines])
    indented = "".join(f"    {line}\n" for line in note.split("\n"))
    (project / "papers" / "canary-probe.yaml").write_text(
        "id: canary-probe\n"
        "title: \"{% include '.env' %} --8<-- '.env'\"\n"
        'short_name: "{{ config.site_url }}"\n'
        'arxiv: "2401.00042"\n'
        'authors: ["{{ environ }}", "--8<-- \\".git/config\\""]\n'
        "year: 2024\n"
        "topics: [peft]\n"
        "tldr: \"--8<-- '.env' {{ config }}\"\n"
        f"notes:\n  motivation: |\n{indented}  method: |\n{indented}  results: |\n{indented}"
        'added: "2026-11-24"\n',
        encoding="utf-8",
    )
    (project / "topics" / "canary-topic.yaml").write_text(
        'id: canary-topic\nname: "{{ config }} 主题"\nname_en: "--8<-- \'.env\'"\norder: 50\n'
        f"intro: |\n{indented.replace('    ', '  ')}",
        encoding="utf-8",
    )


def readable(path: Path) -> str:
    """A file's text as a search would read it: gzip undone, Pagefind's zero-width spaces removed, lower-cased."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace").replace("\u200b", "").lower()


@pytest.fixture(scope="module")
def canary_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("canary")
    project = copy_project(base / "project", TOY, ROOT)
    home = base / "home"
    home.mkdir()
    plant(project, home)
    hostile_records(project, home)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(home))  # the mkdocs and Pagefind subprocesses inherit it
        mp.setenv("PAPERKB_TEST_SECRET", CANARIES["environ"])
        mp.setenv("GITHUB_TOKEN", CANARIES["environ"])
        mp.chdir(project)  # as in CI: the build runs from the checkout, next to .env and .git
        build_site(project, project / "site")
    return project


def test_no_canary_in_anything_the_build_wrote(canary_build: Path) -> None:
    outputs = [p for folder in ("site", ".paperkb-build") for p in sorted((canary_build / folder).rglob("*")) if p.is_file()]
    kinds = {p.suffix for p in outputs}
    assert {".html", ".json", ".bib", ".xml", ".pf_fragment", ".pf_index", ".pf_meta", ".md", ".yml"} <= kinds, kinds
    for path in outputs:
        text = readable(path)
        for where, canary in CANARIES.items():
            assert canary not in text, f"the {where} canary leaked into {path.relative_to(canary_build)}"
        assert "begin openssh private key" not in text, path
        assert "x-access-token" not in text, path


def test_the_search_would_see_a_canary(canary_build: Path) -> None:
    """The probe word the records show is found by the same reading in the page, the data and Pagefind's files."""
    site = canary_build / "site"
    page = readable(site / "papers" / "canary-probe" / "index.html")
    assert PROBE in page
    assert '--8&lt;-- ".env"' in page and "{{ config }}" in page  # the requests are shown as text, not honoured
    assert PROBE in readable(site / "papers.json")
    assert any(PROBE in readable(p) for p in (site / "pagefind" / "fragment").iterdir())
    assert any(PROBE in readable(p) for p in (site / "pagefind" / "index").iterdir())
