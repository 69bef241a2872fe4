"""Requests to other sites: every redirect hop is checked, private addresses are never connected to, and a request
has one wall-clock deadline however slowly the server answers (netfetch; `paperkb links` and `paperkb new`).

Real servers on 127.0.0.1 stand in for the other sites. A test resolver maps made-up names to them, so the same request
can be made once with rules that allow the loopback address (the positive control: it reaches the server) and once
with the default rules (it must be refused before any connection: the server sees nothing).
"""

from __future__ import annotations

import http.server
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from paperkb import arxivapi, cli, cli_contrib, identifiers, netfetch


class Site:
    """A server on 127.0.0.1 that records every request: `/ok`, `/redirect?to=URL`, `/trickle` (a byte every 0.2 s)."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.stop = threading.Event()
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site.paths.append(self.path)
                url = urlsplit(self.path)
                if url.path == "/redirect":
                    self.send_response(302)
                    self.send_header("Location", parse_qs(url.query)["to"][0])
                    self.end_headers()
                elif url.path.startswith("/trickle"):
                    slow_headers = url.path == "/trickle-headers"
                    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/atom+xml\r\nContent-Length: 100000\r\n\r\n"
                    if not slow_headers:
                        self.wfile.write(head)
                    for n in range(75):  # at most 15 s, so even a regression ends
                        if site.stop.wait(0.2):
                            return
                        try:
                            self.wfile.write(head[n : n + 1] if slow_headers else b" ")
                            self.wfile.flush()
                        except OSError:
                            return
                else:
                    body = b"ok"
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

            do_HEAD = do_GET

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def site() -> Iterator[Site]:
    server = Site()
    yield server
    server.close()


@pytest.fixture
def other() -> Iterator[Site]:
    """A second server: what a redirect must never reach."""
    server = Site()
    yield server
    server.close()


def resolver(site: Site) -> netfetch.Resolver:
    """links.test is the test site; metadata.test is the cloud metadata address; nothing else resolves."""

    def resolve(host: str, port: int) -> list[tuple[str, int]]:
        names = {"links.test": [("127.0.0.1", site.port)], "metadata.test": [("169.254.169.254", 80)]}
        if host not in names:
            raise OSError(f"{host} does not resolve in tests")
        return names[host]

    return resolve


def loopback_rules(site: Site) -> netfetch.Rules:
    """The default rules, except that http://links.test:<port> on 127.0.0.1 may be requested: the first hop only."""
    first_hop = f"http://links.test:{site.port}/"
    return netfetch.Rules(
        resolver=resolver(site),
        url_problem=lambda url: None if url.startswith(first_hop) else identifiers.https_url_problem(url),
        address_problem=lambda ip: None if ip == "127.0.0.1" else netfetch.address_problem(ip),
        plain_http=True,
    )


def get(opener: netfetch.CheckedOpener, url: str, timeout: float = 5.0) -> str:
    with opener(urllib.request.Request(url), timeout=timeout) as response:
        return str(response.read().decode())


@pytest.mark.parametrize(
    "address",
    [
        *("127.0.0.1", "127.8.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0"),
        *("224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1"),
        *("::ffff:10.0.0.1", "ff02::1"),
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(address: str) -> None:
    assert netfetch.address_problem(address) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert netfetch.address_problem(address) is None


def test_the_test_rules_reach_the_site_and_the_default_rules_refuse_the_same_name(site: Site) -> None:
    assert get(netfetch.CheckedOpener(loopback_rules(site)), f"http://links.test:{site.port}/ok") == "ok"
    assert site.paths == ["/ok"]
    default = netfetch.CheckedOpener(netfetch.Rules(resolver=resolver(site)))
    with pytest.raises(urllib.error.URLError) as refused:
        get(default, "https://links.test/ok")  # a public-looking name that resolves to 127.0.0.1
    assert isinstance(refused.value.reason, netfetch.Refused)
    assert "links.test resolves to 127.0.0.1, not a public address" in str(refused.value.reason)
    with pytest.raises(urllib.error.URLError, match="unknown url type: http"):
        get(default, f"http://links.test:{site.port}/ok")  # the default opener speaks https only
    assert site.paths == ["/ok"]  # nothing reached the site under the default rules


def test_an_allowed_redirect_is_followed(site: Site) -> None:
    target = f"http://links.test:{site.port}/ok"
    assert get(netfetch.CheckedOpener(loopback_rules(site)), f"http://links.test:{site.port}/redirect?to={target}") == "ok"
    assert site.paths == [f"/redirect?to={target}", "/ok"]


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("file:///etc/passwd", "must start with https://"),
        ("ftp://links.test/x", "must start with https://"),
        ("http://127.0.0.1:{other}/steal", "must start with https://"),
        ("https://127.0.0.1:{other}/steal", "must not name a port"),
        ("https://169.254.169.254/latest/meta-data/", "must name a host, not an IP address"),
        ("https://[::1]/", "must name a host, not an IP address"),
        ("https://user@links.test/", "must not contain a user name"),
        ("https://links.test:8443/", "must not name a port"),
        ("https://metadata.test/latest/meta-data/", "metadata.test resolves to 169.254.169.254, not a public address"),
        ("/redirect?to=https://user@links.test/", "must not contain a user name"),  # a relative hop, then its target
    ],
)
def test_every_redirect_hop_is_checked_like_the_first(site: Site, other: Site, target: str, why: str) -> None:
    target = target.format(other=other.port)
    opener = netfetch.CheckedOpener(loopback_rules(site))
    with pytest.raises(urllib.error.URLError) as refused:
        get(opener, f"http://links.test:{site.port}/redirect?to={target}")
    assert isinstance(refused.value.reason, netfetch.Refused) and why in str(refused.value.reason)
    hops = [f"/redirect?to={target}"] + ([target] if target.startswith("/") else [])  # a relative hop is to the same site
    assert site.paths == hops and other.paths == []


def test_paperkb_links_refuses_a_record_url_that_resolves_to_loopback(
    toy: Path, site: Site, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The record passes the check (an https URL with a real-looking name); the name resolves to this machine. It is
    reported as broken and never requested. (No other name resolves in tests: those links are "could not be verified".)"""
    gpt2 = toy / "papers" / "gpt-2.yaml"
    text = gpt2.read_text(encoding="utf-8").replace(
        "https://cdn.openai.com/better-language-models/language_models_are_unsupervised_multitask_learners.pdf", "https://links.test/paper"
    )
    gpt2.write_text(text, encoding="utf-8")
    monkeypatch.setattr(cli_contrib, "LINK_INTERVAL", 0.0)
    monkeypatch.setattr(cli_contrib, "LINK_OPENER", netfetch.CheckedOpener(netfetch.Rules(resolver=resolver(site))))
    assert cli.main(["--root", str(toy), "links"]) == 1
    out = capsys.readouterr().out
    assert "papers/gpt-2.yaml: url: https://links.test/paper: refused: links.test resolves to 127.0.0.1, not a public address" in out
    assert "1 broken" in out and site.paths == []


# ---- one deadline per request (finding 16) -------------------------------------------------------------------------


def _client(site: Site, timeout: float) -> arxivapi.ArxivClient:
    return arxivapi.ArxivClient(netfetch.CheckedOpener(loopback_rules(site)), arxivapi.RateLimiter(sleep=lambda s: None), timeout=timeout)


@pytest.mark.parametrize("path", ["/trickle", "/trickle-headers"])
def test_a_server_sending_a_byte_at_a_time_cannot_hold_a_request_past_its_deadline(
    site: Site, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    monkeypatch.setattr(arxivapi, "API", f"http://links.test:{site.port}{path}?id={{id}}")
    client = _client(site, timeout=1.5)
    started = time.perf_counter()
    with pytest.raises(arxivapi.FetchFailed, match=r"did not answer within 1\.5 s"):
        client.query("2106.09685")
    assert time.perf_counter() - started < 4, "each byte arrived within the socket timeout, but the request must end"
    assert site.paths == [f"{path}?id=2106.09685"]
    deadline = time.monotonic() + 3  # the abandoned request's connection is shut down, so its worker ends too
    while any(t.name == "paperkb-request" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(t.name == "paperkb-request" for t in threading.enumerate())


def test_paperkb_new_writes_its_scaffold_when_the_api_trickles(
    toy: Path, site: Site, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(arxivapi, "API", f"http://links.test:{site.port}/trickle?id={{id}}")
    monkeypatch.setattr(cli_contrib, "CLIENT", _client(site, timeout=1.0))
    started = time.perf_counter()
    assert cli.main(["--root", str(toy), "new", "2402.09353", "--topic", "peft"]) == 0
    assert time.perf_counter() - started < 4
    assert "did not answer within 1 s; writing a scaffold" in capsys.readouterr().err
    assert (toy / "papers" / "arxiv-2402-09353.yaml").is_file()


def test_a_link_check_has_one_deadline_too(site: Site) -> None:
    opener = netfetch.CheckedOpener(loopback_rules(site))
    started = time.perf_counter()
    verdict = cli_contrib.probe(f"http://links.test:{site.port}/trickle-headers", opener, timeout=1.0, rules=opener.rules)
    assert verdict == ("unverified", "no complete answer within 1 s")
    assert time.perf_counter() - started < 4
