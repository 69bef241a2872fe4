"""`paperkb serve`: the live preview picks up an edited record without a restart."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, TOY
from sitetools import copy_project

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
    assert ("re-rendered" in out and "1 file(s) changed" in out) or "file(s) changed" in out, out[-2000:]
