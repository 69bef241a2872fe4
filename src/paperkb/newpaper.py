"""Starting a record from an arXiv id: what people paste → the bare id → a draft `papers/<id>.yaml`.

`paperkb new` is how most records begin, so the draft has to be right where a machine can be right and honest where it
cannot. The arXiv API gives the title, the complete author list, the primary category and, in `<published>`, the date of
the *first* version (arXiv's own BibTeX uses the latest version's year; records use v1's). What only a reader can write
(`tldr` and the notes) is left as an empty string under a commented Chinese template, so `paperkb check` fails until a
contributor has written it: a placeholder sentence would pass the check and end up on the site.

This module is pure: text in, values and YAML text out. `arxivapi` does the fetching and `cli_contrib` the files.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from paperkb import identifiers, yamlload

SCHEMA_LINE = "# yaml-language-server: $schema=../schema/paper.schema.json"
_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_URL_TAIL = re.compile(r"[?#].*$")
# arXiv's category names: `cs.CL`, `hep-th`, `math.GT`, `q-bio.NC`, `physics.comp-ph`, `cond-mat.mes-hall`. The term
# goes into a comment of the draft, so anything else (a newline would start live YAML lines) is dropped, not written.
_CATEGORY = re.compile(r"[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]+(?:-[A-Za-z]+)*)?", re.ASCII)


def category(term: str | None) -> str | None:
    """The term if it is a well-formed arXiv category name, else None."""
    return term if term and len(term) <= 40 and _CATEGORY.fullmatch(term) else None


class NotAnArxivId(ValueError):
    """The input is neither an arXiv id nor an arXiv link; the message says what is accepted."""


class ArxivNotFound(LookupError):
    """The arXiv API answered, and it has no paper with this id (a mistyped id): nothing should be written."""


class BadResponse(ValueError):
    """The API's answer could not be read as the Atom feed it documents; treat it like being offline."""


@dataclass(frozen=True)
class ArxivEntry:
    """What the arXiv API says about one paper."""

    arxiv: str
    title: str
    authors: tuple[str, ...]
    published: dt.date  # first version (v1): the API's <published>; <updated> is the latest version
    primary_category: str | None


def parse_arxiv_input(text: str) -> str:
    """The bare arXiv id (no version) in any form people paste: id, `…v2`, `arXiv:…`, abs/pdf/html links, old style."""
    cleaned = text.strip()
    if "arxiv.org/" in cleaned.lower():
        cleaned = _URL_TAIL.sub("", cleaned)  # ?context=cs.CL, #S3 …
    bare = identifiers.normalise_arxiv(cleaned)
    problem = identifiers.arxiv_problem(bare)
    if problem:
        raise NotAnArxivId(
            f"{text.strip()!r} is not an arXiv id or link: {problem}. Accepted: 2310.11511, 2310.11511v2, arXiv:2310.11511, "
            "https://arxiv.org/abs/2310.11511, https://arxiv.org/pdf/2310.11511v1.pdf, hep-th/9901001"
        )
    return bare


def _text(element: ET.Element | None) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


def parse_atom(xml: bytes, arxiv: str) -> ArxivEntry:
    """The entry for `arxiv` in an API answer (`…/api/query?id_list=<arxiv>`).

    The API reports a malformed id as an entry titled "Error" whose id is under `/api/errors`, and an unknown id as a feed
    without entries (older deployments: one entry with an empty title); both mean "no such paper".
    """
    try:
        feed = ET.fromstring(xml)
    except ET.ParseError as err:
        raise BadResponse(f"the answer is not valid XML ({err})") from None
    if feed.tag != f"{_ATOM}feed":
        raise BadResponse("the answer is not an Atom feed")
    for entry in feed.findall(f"{_ATOM}entry"):
        entry_id = _text(entry.find(f"{_ATOM}id"))
        if "/api/errors" in entry_id:
            detail = _text(entry.find(f"{_ATOM}summary")) or "error"
            raise ArxivNotFound(f"arXiv rejected the id {arxiv}: {detail}")
        found = identifiers.normalise_arxiv(entry_id)
        if found != arxiv:
            continue
        title = _text(entry.find(f"{_ATOM}title"))
        if not title:
            break
        authors = tuple(name for a in entry.findall(f"{_ATOM}author") if (name := _text(a.find(f"{_ATOM}name"))))
        published_text = _text(entry.find(f"{_ATOM}published"))
        try:
            published = dt.date.fromisoformat(published_text[:10])
        except ValueError:
            raise BadResponse(f"the entry has no readable <published> date ({published_text!r})") from None
        primary = entry.find(f"{_ARXIV}primary_category")
        term = category(primary.get("term") if primary is not None else None)
        return ArxivEntry(arxiv, title, authors, published, term)
    raise ArxivNotFound(f"arXiv has no paper {arxiv}; check the id on https://arxiv.org/abs/{arxiv}")


short_name = identifiers.title_short_name
slug = identifiers.record_slug


def fallback_id(arxiv: str) -> str:
    """An id when there is no title to take one from (offline): 'arxiv-2310-11511', 'arxiv-hep-th-9901001'."""
    return "arxiv-" + re.sub(r"[^a-z0-9]+", "-", arxiv.lower()).strip("-")


def record_id(entry: ArxivEntry | None, arxiv: str, taken: Iterable[str]) -> str:
    """The short name's slug ('self-rag'), else the title's first words, else `fallback_id`; '-2', '-3' … when taken."""
    base = ""
    if entry is not None:
        base = slug(short_name(entry.title)) or slug(entry.title)
    base = base or fallback_id(arxiv)
    return identifiers.unique_id(base, set(taken))


def existing_record(arxiv: str, recorded: Mapping[str, object]) -> str | None:
    """The path of the record that already holds `arxiv`, comparing normalised ids; `recorded` maps path → raw `arxiv`."""
    for path, raw in sorted(recorded.items()):
        if isinstance(raw, str) and identifiers.normalise_arxiv(raw) == arxiv:
            return path
    return None


def _q(text: str) -> str:
    """A YAML double-quoted scalar that reads back as `text` (`yamlload.quoted`)."""
    return yamlload.quoted(text)


# The part only a reader can write. Empty strings, so `paperkb check` says "must not be empty" until they are written.
_NOTES_TEMPLATE = """\
# ---- 以下由你来写（中文）。写法与范例见 CONTRIBUTING.md「怎样写笔记」，范例记录是 papers/lora.yaml。----
# 多行内容写成 `motivation: |`，下一行起缩进两格书写；可用 `-` 列表、**粗体**、`代码`、行内公式 $…$。
# 写完后删掉这些注释行，再运行 paperkb check。
# tldr：一行中文，说清论文做了什么、为什么重要。
tldr: ""
notes:
  # 动机：论文要解决什么问题？已有方法差在哪里、为什么不够？
  motivation: ""
  # 方法：核心思路是什么、具体怎么做？写到读者能判断它是否可行的程度。
  method: ""
  # 结果：论文证明了什么？每个主要结论写出基准、对比基线和数字，如「GSM8K 准确率 56.8 → 74.4，对比 …」。
  results: ""
  # 局限：论文没有证明什么、代价是什么、后续工作发现了什么；我们自己的判断以「笔者注：」开头。
  limitations: ""
"""


def draft_text(entry: ArxivEntry | None, arxiv: str, rid: str, topics: list[str], added: dt.date) -> str:
    """The draft record as YAML, fields in the model's order. `entry` None: offline, a scaffold with TODOs for the facts."""
    abs_url = identifiers.arxiv_links(arxiv)["abs"]
    lines = [SCHEMA_LINE]
    if entry is not None:
        term = category(entry.primary_category)  # checked again here: it is the one value written outside quotes
        where = f"；arXiv 主分类 primary category: {term}" if term else ""
        lines += [
            f"# 由 `paperkb new` 根据 arXiv API 生成{where}。请对照论文 {abs_url} 核对每一项事实。",
            "# Drafted by `paperkb new` from the arXiv API; check the facts, then write tldr and notes (see CONTRIBUTING.md).",
        ]
    else:
        lines += [
            f"# 由 `paperkb new` 离线生成：请从 {abs_url} 补全标题、作者和第一版 (v1) 日期（标有 TODO 的行）。",
            "# Drafted by `paperkb new` without the arXiv API: fill in the TODO lines from the abstract page.",
        ]
    lines.append(f"id: {rid}")
    if entry is not None:
        name = short_name(entry.title)
        lines.append(f"title: {_q(entry.title)}")
        lines.append(f"short_name: {_q(name)}" + ("" if name else "  # TODO 论文或方法的常用名 / the name people use, e.g. LoRA"))
    else:
        lines.append('title: ""  # TODO 论文的英文标题，与 arXiv 一致 / the title exactly as on arXiv')
        lines.append('short_name: ""  # TODO 论文或方法的常用名 / the name people use, e.g. LoRA')
    lines.append('# title_zh: ""  # 可选：中文标题 / optional Chinese title')
    lines.append(f"arxiv: {_q(arxiv)}")
    if entry is not None and entry.authors:
        lines += ["authors:", *(f"  - {_q(a)}" for a in entry.authors)]
    else:
        lines += [
            "# TODO 完整作者列表（论文顺序，不写 et al.），然后取消注释 / the complete author list, then uncomment:",
            "# authors:",
            '#   - ""',
        ]
    if entry is not None:
        lines.append(f"year: {entry.published.year}")
        lines.append(f'published: "{entry.published.isoformat()}"  # 第一版 (v1) 的日期 / date of v1')
    else:
        lines.append(f"year: {identifiers.arxiv_year(arxiv)}  # 由 arXiv id 推出的第一版年份 / v1's year, from the id")
        lines.append('# published: "YYYY-MM-DD"  # TODO 第一版 (v1) 的日期，见摘要页的 Submission history')
    lines += [
        '# venue: "ICLR 2024"  # 正式发表后填写，系列名见 registry/venues.yaml',
        "# institutions: []  # 主要机构，用 registry/institutions.yaml 中的规范名称",
        "# code: owner/repo  # 官方代码的 GitHub 仓库",
    ]
    if topics:
        lines.append(f"topics: [{', '.join(topics)}]")
    else:
        lines.append("topics: []  # TODO 至少一个 topics/ 下的主题 id / at least one topic id from topics/")
    lines.append("# tags: []  # registry/tags.yaml 中的标签，最多 8 个")
    lines.append(_NOTES_TEMPLATE.rstrip("\n"))
    lines.append("# related: []  # 相关记录的 id / ids of related records")
    lines.append(f'added: "{added.isoformat()}"')
    return "\n".join(lines) + "\n"
