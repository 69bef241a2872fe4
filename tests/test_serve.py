"""`paperkb serve`: the live preview picks up an edited record without a restart."""

from __future__ import annotations

import html
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, TOY
from sitetools import copy_project

from paperkb.repository import load_files

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def _wait_for(url: str, needle: str, seconds: float) -> bool:
    """Poll until the page contains `needle` (a readiness wait with a generous bound, not a speed assertion)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if needle in _fetch(url):
            return True
        time.sleep(0.5)
    return False


def test_serve_rerenders_an_edited_record(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", TOY, ROOT)
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "paperkb", "--root", str(project), "serve", "--dev-addr", f"127.0.0.1:{port}", "--interval", "0.2"]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}/papers/lora/"
        assert _wait_for(url, "冻结预训练权重", 90), "the preview never served the paper page"
        record = project / "papers" / "lora.yaml"
        record.write_text(record.read_text(encoding="utf-8").replace("冻结预训练权重", "预览已更新的一句话"), encoding="utf-8")
        assert _wait_for(url, "预览已更新的一句话", 90), "the edit never reached the preview"
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=30)
    assert re.search(r"re-rendered in [0-9.]+s: [0-9]+ files? changed", out), out[-2000:]


def test_serve_shows_a_broken_record_on_its_page_and_says_why_search_is_empty(tmp_path: Path) -> None:
    """Start with a broken record: the preview still starts, its page holds the terminal's messages, the search page
    says the preview has no index, mkdocs' confusing 'dirty build' warning is not shown; fixing the record brings back
    the paper page."""
    project = copy_project(tmp_path / "project", TOY, ROOT)
    record = project / "papers" / "lora.yaml"
    good = record.read_text(encoding="utf-8")
    record.write_text(good.replace("topics: [peft]", "topics: [pfet]"), encoding="utf-8")
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "paperkb", "--root", str(project), "serve", "--dev-addr", f"127.0.0.1:{port}", "--interval", "0.2"]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    _, problems = load_files(project)
    [terminal] = [p.as_text() for p in problems]  # what `paperkb check` prints for it
    assert "unknown topic 'pfet'; did you mean 'peft'?" in terminal
    try:
        url = f"http://127.0.0.1:{port}/papers/lora/"
        assert _wait_for(url, "pkb-preview-errors", 90), _fetch(url)[-3000:]
        assert terminal in html.unescape(_fetch(url))
        assert "预览里没有搜索" in _fetch(f"http://127.0.0.1:{port}/search/")
        assert _wait_for(f"http://127.0.0.1:{port}/papers/qlora/", "QLoRA", 30)  # the rest of the site is there
        record.write_text(good, encoding="utf-8")
        assert _wait_for(url, "冻结预训练权重", 90), "the fixed record never replaced its error page"
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=30)
    assert terminal in out, out[-3000:]
    assert f"the preview shows them on their pages: http://127.0.0.1:{port}/papers/lora/" in out
    assert "dirty" not in out.lower(), out[-3000:]
