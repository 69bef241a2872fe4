"""The one place paperkb talks to arXiv: `https://export.arxiv.org/api/query?id_list=<id>`.

arXiv's API terms ask for one request at a time and at most one every three seconds; `RateLimiter` keeps that promise
for every request this process makes (a lock for "one at a time", a clock for the spacing), and takes its clock and
sleep as arguments so tests check the spacing without waiting. Any failure to get an answer (no network, a timeout, an
HTTP error, an answer too large or unreadable) is one exception, `FetchFailed`, so the caller can fall back to an
offline scaffold with a clear message instead of a traceback.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from paperkb import __version__, netfetch, newpaper

API = "https://export.arxiv.org/api/query?id_list={id}"
INTERVAL = 3.0  # seconds between requests, as arXiv's API terms ask
TIMEOUT = 20.0
MAX_BYTES = 2 * 1024 * 1024  # one entry is a few kB; anything this large is not the answer we asked for
USER_AGENT = f"paperkb/{__version__} (paperkb new; one request per 3 s)"

Opener = Callable[..., Any]  # urllib.request.urlopen's shape: (request, timeout=…) -> a response usable with `with`


class FetchFailed(Exception):
    """No usable answer from the arXiv API; the message says why in a few words."""


class RateLimiter:
    """At most one call of `wait()` returns per `interval` seconds; a call that comes too early sleeps first."""

    def __init__(
        self, interval: float = INTERVAL, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self._last: float | None = None

    def wait(self) -> None:
        now = self.clock()
        if self._last is not None and (delay := self._last + self.interval - now) > 0:
            self.sleep(delay)
            now = self._last + self.interval
        self._last = now


class ArxivClient:
    """Fetches API answers, one at a time, spaced by the rate limiter, each within one deadline (`timeout`).

    The default opener is `netfetch`'s: https only, every redirect re-checked, public addresses only.
    """

    def __init__(self, opener: Opener | None = None, limiter: RateLimiter | None = None, timeout: float = TIMEOUT) -> None:
        checked = opener if isinstance(opener, netfetch.CheckedOpener) else netfetch.CheckedOpener()
        self.opener: Opener = opener or checked
        self.rules = checked.rules if self.opener is checked else None  # so a late answer's connection is shut down
        self.limiter = limiter or RateLimiter()
        self.timeout = timeout
        self._lock = threading.Lock()

    def _read(self, request: urllib.request.Request) -> bytes:
        with self.opener(request, timeout=self.timeout) as response:
            body: bytes = response.read(MAX_BYTES + 1)
        return body

    def url(self, arxiv: str) -> str:
        return API.format(id=quote(arxiv, safe="/."))

    def query(self, arxiv: str) -> bytes:
        """The raw Atom answer for one validated arXiv id."""
        request = urllib.request.Request(self.url(arxiv), headers={"User-Agent": USER_AGENT})
        with self._lock:
            self.limiter.wait()
            try:
                # One deadline for the whole request: a per-read timeout never fires for a server sending a byte a second.
                body = netfetch.within(self.timeout, lambda: self._read(request), self.rules)
            except urllib.error.HTTPError as err:
                raise FetchFailed(f"the arXiv API answered HTTP {err.code}") from None
            except urllib.error.URLError as err:
                raise FetchFailed(f"cannot reach export.arxiv.org ({err.reason})") from None
            except TimeoutError:
                raise FetchFailed(f"the arXiv API did not answer within {self.timeout:g} s") from None
            except OSError as err:
                raise FetchFailed(f"connection to the arXiv API failed ({err.strerror or err})") from None
        if len(body) > MAX_BYTES:
            raise FetchFailed("the arXiv API's answer is unexpectedly large")
        return body

    def entry(self, arxiv: str) -> newpaper.ArxivEntry:
        """The paper's facts. Raises `newpaper.ArxivNotFound` when arXiv has no such paper, `FetchFailed` otherwise."""
        body = self.query(arxiv)
        try:
            return newpaper.parse_atom(body, arxiv)
        except newpaper.BadResponse as err:
            raise FetchFailed(f"could not read the arXiv API's answer: {err}") from None
