"""Grammars of the identifiers a record may hold, and the links built from them.

Links on the site are built from validated identifiers (an arXiv id, a GitHub `owner/repo`, a DOI) rather than copied from
free-form URLs, so a record cannot point a reader at `javascript:` or a look-alike host. The one free-form URL a record may
carry (`url`, for papers not on arXiv) is checked here: https, a real DNS name, no userinfo, no IP address.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import quote, urlsplit

from paperkb.names import ascii_fold

# New style since 2007-04: YYMM.NNNN (to 2014-12), YYMM.NNNNN (from 2015-01). Old style: archive(.SC)/YYMMNNN.
_NEW = re.compile(r"(?P<yy>\d{2})(?P<mm>\d{2})\.(?P<num>\d{4,5})")
_OLD = re.compile(r"(?P<archive>[a-z]+(?:-[a-z]+)*)(?:\.[A-Z]{2})?/(?P<yy>\d{2})(?P<mm>\d{2})\d{3}")
_PASTED = re.compile(
    r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/(?P<id>.+?)(?:\.pdf)?/?$|^arxiv:(?P<bare>.+)$",
    re.IGNORECASE,
)
_VERSION = re.compile(r"v\d+$")

GITHUB_REPO = r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$"
DOI = r"^10\.\d{4,9}/[^\s]{1,200}$"
SLUG = r"^[a-z0-9][a-z0-9-]{1,80}$"


def arxiv_problem(value: str) -> str | None:
    """Why `value` is not a bare arXiv id, worded as the rule plus the remedy; None when it is one."""
    bare = normalise_arxiv(value)
    if bare != value:
        if arxiv_problem(bare) is None:
            return f"must be the bare arXiv id without version or URL; write '{bare}'"
        return f"'{value}' is not an arXiv id; write the id only, e.g. '2106.09685' or 'hep-th/9901001'"
    new = _NEW.fullmatch(value)
    if new:
        yy, mm, num = int(new["yy"]), int(new["mm"]), new["num"]
        if not 1 <= mm <= 12:
            return f"'{value}' has month {mm:02d}; an arXiv id starts with YYMM — check the id on arxiv.org"
        if (yy, mm) < (7, 4):
            return f"'{value}' predates new-style arXiv ids (2007-04); check the id on arxiv.org"
        want = 4 if yy < 15 else 5
        if len(num) != want:
            return (
                f"'{value}' has {len(num)} digits after the dot; ids from 20{yy:02d} have {want} "
                "— the id may be truncated or mistyped: check it on arxiv.org"
            )
        return None
    old = _OLD.fullmatch(value)
    if old:
        mm = int(old["mm"])
        if not 1 <= mm <= 12:
            return f"'{value}' has month {mm:02d}; check the id on arxiv.org"
        return None
    return f"'{value}' is not an arXiv id; write YYMM.NNNNN (e.g. '2106.09685') or archive/YYMMNNN (e.g. 'hep-th/9901001')"


def normalise_arxiv(value: str) -> str:
    """Reduce what people paste (URLs, `arXiv:` prefixes, versions, `.pdf`) to the bare id; other text is returned as is."""
    text = value.strip()
    pasted = _PASTED.match(text)
    if pasted:
        text = pasted["id"] or pasted["bare"] or text
    text = text.removesuffix(".pdf")
    return _VERSION.sub("", text) if (_NEW.match(text) or "/" in text) else text


def arxiv_year(arxiv: str) -> int | None:
    """The year an arXiv id was assigned, which is the year of the paper's first version."""
    m = _NEW.fullmatch(arxiv) or _OLD.fullmatch(arxiv)
    if not m:
        return None
    yy = int(m["yy"])
    return 1900 + yy if yy >= 91 else 2000 + yy


def https_url_problem(value: str) -> str | None:
    """Why `value` is not a safe https link; None when it is one."""
    if any(ch.isspace() for ch in value) or any(ord(ch) < 32 for ch in value):
        return "must not contain spaces or control characters"
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return "is not a valid URL; write a full https:// address"
    if parts.scheme != "https":
        return "must start with https:// (http, javascript: and data: links are not allowed)"
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return "must not contain a user name or `@` before the host; link to the site itself"
    host = parts.hostname or ""
    if port is not None:
        return "must not name a port; link to the site's ordinary https address"
    try:
        ipaddress.ip_address(host.strip("[]"))
        return "must name a host, not an IP address"
    except ValueError:
        pass
    if not host.isascii():
        return "host must be plain ASCII (look-alike letters are not allowed); write the punycode or the real domain"
    if not re.fullmatch(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", host):
        return f"host '{host}' is not a valid domain name"
    return None


def arxiv_links(arxiv: str) -> dict[str, str]:
    """Abstract, PDF and HTML links for a validated arXiv id."""
    safe = quote(arxiv, safe="/.")
    return {
        "abs": f"https://arxiv.org/abs/{safe}",
        "pdf": f"https://arxiv.org/pdf/{safe}",
        "html": f"https://arxiv.org/html/{safe}",
    }


def github_link(repo: str) -> str:
    return f"https://github.com/{quote(repo, safe='/')}"


def doi_link(doi: str) -> str:
    return f"https://doi.org/{quote(doi, safe='/:;()')}"


def arxiv_doi(arxiv: str) -> str:
    """arXiv registers a DataCite DOI for every paper."""
    return f"10.48550/arXiv.{arxiv}"


def unique_id(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3` … — the first that no existing record uses (new and imported drafts)."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


_VENUE = re.compile(r"(?P<series>.+?) (?P<year>\d{4})")
_WORD_SPLIT = re.compile(r"[\s\-_/:,.;!?()\[\]]+")  # apostrophes stay inside words: Łukasz's → lukaszs


def split_venue(venue: str) -> tuple[str, int] | None:
    """'NeurIPS 2020' -> ('NeurIPS', 2020); None when the text is not '<series> <year>'."""
    m = _VENUE.fullmatch(venue)
    return (m["series"], int(m["year"])) if m else None


def title_short_name(title: str) -> str:
    """The part before the colon, when the title has the usual 'Name: what it does' shape; else ''."""
    head, colon, _ = title.partition(":")
    head = head.strip()
    return head if colon and 0 < len(head) <= 60 and len(head.split()) <= 4 else ""


def record_slug(text: str, max_words: int = 5) -> str:
    """A record id drafted from text: ASCII, lower case, words joined by hyphens; '' when nothing usable is left."""
    words = [w for w in (re.sub(r"[^a-z0-9]", "", ascii_fold(word).lower()) for word in _WORD_SPLIT.split(text)) if w]
    result = "-".join(words[:max_words])[:60].strip("-")
    return result if re.fullmatch(SLUG, result) else ""
