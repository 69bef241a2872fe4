"""Requests paperkb makes to other sites (the arXiv API, `paperkb links`), under two rules.

1. **Every hop is checked like the first address.** `paperkb links` requests URLs that contributors wrote, and a site
   can answer with a redirect to anything. The opener here only speaks https, re-checks every redirect target with the
   same rule as a record's `url` (`identifiers.https_url_problem`: https, a DNS name, no user name, no port), and
   connects only to public addresses: the name is resolved once, every address it resolves to must be public (not
   loopback, private, link-local, shared, multicast or reserved), and the connection goes to the address that was
   checked, so the name cannot be re-pointed between the check and the connection. Without this the weekly link check
   was a blind request forgery against the runner's own network (`169.254.169.254`, `localhost:…`).
2. **Every request has one wall-clock deadline.** A socket timeout bounds each read, not the request: a server that
   sends one byte a second never lets a read time out. `within` runs the request in a worker thread and stops waiting
   when the deadline passes; the sockets the checked opener made for it are shut down, which ends the worker's read.

No proxy handler is installed: a proxy would be the one address connected to, and would hide the target from rule 1.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urljoin

from paperkb import identifiers

T = TypeVar("T")
Resolver = Callable[[str, int], list[tuple[str, int]]]  # (host, port) -> [(address, port)], as connect() will use them


class Refused(OSError):
    """A hop or an address the rules do not allow; the message says which and why."""


def system_resolver(host: str, port: int) -> list[tuple[str, int]]:
    return [(str(info[4][0]), int(info[4][1])) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def address_problem(address: str) -> str | None:
    """Why a connection to `address` is refused; None for a public address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified:
        return f"{address}, not a public address (loopback, private, link-local or reserved)"
    return None


class Rules:
    """What the opener allows: which URLs may be requested or redirected to, and which addresses connected to.

    The defaults are the rules above; tests give looser ones to reach a server on the loopback address, and check
    that the defaults refuse the same requests.
    """

    def __init__(
        self,
        resolver: Resolver = system_resolver,
        url_problem: Callable[[str], str | None] = identifiers.https_url_problem,
        address_problem: Callable[[str], str | None] = address_problem,
        plain_http: bool = False,
    ) -> None:
        self.resolver = resolver
        self.plain_http = plain_http  # an http handler at all (tests on the loopback address); hops still need url_problem
        self.url_problem = url_problem
        self.address_problem = address_problem
        self.sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def connect(self, address: tuple[str, int], timeout: Any = None, source_address: Any = None) -> socket.socket:
        """`socket.create_connection`, but to a checked address only."""
        host, port = address
        try:
            resolved = self.resolver(host, port)
        except OSError as err:
            raise OSError(f"cannot resolve {host}: {err}") from None
        problems = [p for ip, _ in resolved if (p := self.address_problem(ip))]
        if problems or not resolved:
            raise Refused(f"{host} resolves to {problems[0] if problems else 'no address'}; not requested")
        sock = socket.create_connection(resolved[0], timeout, source_address)
        with self._lock:
            self.sockets.append(sock)
        return sock

    def shut_down(self) -> None:
        """End every connection made so far (a worker blocked in a read returns at once)."""
        with self._lock:
            sockets, self.sockets = self.sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):  # already closed by its own side
                sock.shutdown(socket.SHUT_RDWR)


def _connection(base: type[http.client.HTTPConnection], rules: Rules) -> Callable[..., http.client.HTTPConnection]:
    """A factory for `do_open`: http.client's connection, opening its socket through `rules.connect`."""

    def make(*args: Any, **kwargs: Any) -> http.client.HTTPConnection:
        connection = base(*args, **kwargs)
        # http.client opens its socket through this attribute (HTTPSConnection then adds TLS for the name asked for)
        connection._create_connection = rules.connect  # type: ignore[attr-defined]
        return connection

    return make


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, rules: Rules) -> None:
        super().__init__()
        self.connection = _connection(http.client.HTTPSConnection, rules)
        self.context = ssl.create_default_context()  # certificates and the host name are verified as urlopen does

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self.connection, req, context=self.context)


class _HTTPHandler(urllib.request.HTTPHandler):
    """Plain http, installed only when the rules allow an http URL (tests on the loopback address)."""

    def __init__(self, rules: Rules) -> None:
        super().__init__()
        self.connection = _connection(http.client.HTTPConnection, rules)

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self.connection, req)


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Every redirect target is checked before anything else looks at it (urllib's own scheme check included)."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules

    def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        target = headers.get("location") or headers.get("uri")
        if target:
            newurl = urljoin(req.full_url, target)
            problem = self.rules.url_problem(newurl)
            if problem:
                fp.close()
                raise urllib.error.URLError(Refused(f"redirect to {newurl} refused: {problem}"))
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


class CheckedOpener:
    """Opens requests under the rules of the module docstring; called like urlopen: `opener(request, timeout=…)`."""

    def __init__(self, rules: Rules | None = None) -> None:
        self.rules = rules or Rules()
        self._director = urllib.request.OpenerDirector()
        handlers: list[urllib.request.BaseHandler] = [
            _HTTPSHandler(self.rules),
            _RedirectHandler(self.rules),
            urllib.request.HTTPDefaultErrorHandler(),
            urllib.request.HTTPErrorProcessor(),
            urllib.request.UnknownHandler(),
        ]
        if self.rules.plain_http:
            handlers.append(_HTTPHandler(self.rules))
        for handler in handlers:
            self._director.add_handler(handler)

    def __call__(self, request: urllib.request.Request, timeout: float) -> Any:
        return self._director.open(request, timeout=timeout)


def within(deadline: float, work: Callable[[], T], rules: Rules | None = None) -> T:
    """`work()`, or TimeoutError once `deadline` seconds have passed, however slowly the other side answers.

    The worker is a daemon thread; on timeout the connections `rules` made are shut down so it ends promptly. (With an
    opener that is not ours, an abandoned worker ends when its server stops, or with the process.)
    """
    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            outcome.append((True, work()))
        except BaseException as err:  # handed to the caller below, exactly as raised
            outcome.append((False, err))

    worker = threading.Thread(target=run, name="paperkb-request", daemon=True)
    worker.start()
    worker.join(deadline)
    finished = bool(outcome)  # before the shutdown below, which would let a late worker end with a truncated answer
    if rules is not None:
        rules.shut_down()  # on time: its connections are closed already, and forgotten here; late: this ends the worker
    if not finished:
        raise TimeoutError(f"no complete answer within {deadline:g} s")
    ok, value = outcome[0]
    if not ok:
        raise value
    result: T = value
    return result
