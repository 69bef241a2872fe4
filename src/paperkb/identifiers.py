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

# New style since 2007-04: YYMM.NNNN (to 2014-12), YYMM.NNNNN (from 2015-01). Old style: archive/YYMMNNN; a subject
# class (`math.GT/0309136`) is sometimes pasted with it but is not part of the id (arXiv's id is `math/0309136`).
# ASCII digits only (re.ASCII): `\d` alone also matches `２１０６.０９６８５` and `𝟤𝟣𝟢𝟨.𝟢𝟫𝟨𝟪𝟧`, which int() reads as 2106.09685,
# so a look-alike spelling of a recorded id passed the check and dodged the duplicate rule.
_NEW = re.compile(r"(?P<yy>\d{2})(?P<mm>\d{2})\.(?P<num>\d{4,5})", re.ASCII)
_OLD = re.compile(r"(?P<archive>[a-z]+(?:-[a-z]+)*)/(?P<yy>\d{2})(?P<mm>\d{2})\d{3}", re.ASCII)
_OLD_CLASS = re.compile(r"(?P<archive>[a-z]+(?:-[a-z]+)*)\.[A-Z]{2}/(?P<num>\d{7})", re.ASCII)
_PASTED = re.compile(
    r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/(?P<id>.+?)(?:\.pdf)?/?$|^arxiv:(?P<bare>.+)$",
    re.IGNORECASE,
)
_VERSION = re.compile(r"v\d+$", re.ASCII)

GITHUB_REPO = r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$"
DOI = r"^10\.[0-9]{4,9}/[^\s]{1,200}$"  # [0-9], not \d: pydantic's regex engine reads \d as any Unicode digit
SLUG = r"^[a-z0-9][a-z0-9-]{1,80}$"
# ACL Anthology paper ids: new style `2023.emnlp-main.923` (year, volume, paper), old style `N19-1423` (collection
# letter, two-digit year, then the volume's digit and the paper's three digits; workshops `W19-` take two volume digits).
ANTHOLOGY = r"^(?:\d{4}\.[a-z0-9]+(?:-[a-z0-9]+)*\.\d{1,4}|[A-Z]\d{2}-\d{4})$"
# arXiv subject classes: `cs.CL`, `stat.ML`, `math.OC`, and archives without a subject class such as `hep-th`.
ARXIV_CLASS = r"^[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]{2,6})?$"
# Pages as the proceedings print them: one page or first-last, ASCII hyphen ('4171-4186').
PAGES = r"^\d{1,6}(?:-\d{1,6})?$"

# File names Windows refuses whatever their extension (`con.yaml`, `nul.md`): a record, topic or tag with such an id
# could not be checked out there, and its page could not be written.
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))})
# Paper ids the site already uses for something else: `cite/all.bib` is the whole collection's citations, and
# `papers/index.md` would be the `/papers/` folder's own page (taking it over, and breaking its own feed, JSON and
# Open Graph addresses).
RESERVED_PAPER_IDS = {
    "all": "the site's cite/all.bib is the whole collection",
    "index": "papers/index.md would become the site's /papers/ page, away from its own address",
}


def reserved_id_problem(value: str, *, paper: bool) -> str | None:
    """Why `value` cannot be the id of a record (a paper when `paper`), worded as rule and remedy; None when it can."""
    if value in WINDOWS_RESERVED:
        names = "con, prn, aux, nul, com0–com9, lpt0–lpt9"
        return f"id '{value}' is a device name on Windows ({names}), where its file cannot exist; choose another id"
    if paper and value in RESERVED_PAPER_IDS:
        return f"id '{value}' is reserved ({RESERVED_PAPER_IDS[value]}); choose another id"
    return None


def arxiv_problem(value: str) -> str | None:
    """Why `value` is not a bare arXiv id, worded as the rule plus the remedy; None when it is one."""
    bare = normalise_arxiv(value)
    if bare != value:
        if arxiv_problem(bare) is None:
            if _OLD_CLASS.fullmatch(value):
                return f"an old-style arXiv id has no subject class ('{value}' is arXiv's '{bare}'); write '{bare}'"
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
    text = _VERSION.sub("", text) if (_NEW.match(text) or "/" in text) else text
    with_class = _OLD_CLASS.fullmatch(text)
    return f"{with_class['archive']}/{with_class['num']}" if with_class else text


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


def anthology_volume(anthology: str) -> str:
    """The Anthology volume a paper id belongs to: '2023.emnlp-main.923' -> '2023.emnlp-main', 'N19-1423' -> 'N19-1'.

    The volume decides the proceedings title (long papers, short papers, Findings …), so the registry lists titles by it.
    """
    if "." in anthology:
        return anthology.rsplit(".", 1)[0]
    digits = 2 if anthology.startswith("W") else 1  # workshops number their volumes 01-99
    return anthology[: 4 + digits]


def anthology_year(anthology: str) -> int:
    """The year in an Anthology id ('2023.' or the two digits after the collection letter)."""
    if "." in anthology:
        return int(anthology[:4])
    yy = int(anthology[1:3])
    return 1900 + yy if yy >= 50 else 2000 + yy


def anthology_link(anthology: str) -> str:
    return f"https://aclanthology.org/{quote(anthology, safe='.-')}/"


def arxiv_doi(arxiv: str) -> str:
    """arXiv registers a DataCite DOI for every paper."""
    return f"10.48550/arXiv.{arxiv}"


def unique_id(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3` … — the first that no existing record uses and no rule reserves (drafts)."""
    if base not in taken and reserved_id_problem(base, paper=True) is None:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


_VENUE = re.compile(r"(?P<series>.+?) (?P<year>\d{4})", re.ASCII)
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
