"""The live preview with some records broken: the rest of the site as it would be, and each broken record's page in
place, showing the same messages as the terminal.

A contributor editing one record in `paperkb serve` used to see the preview freeze on the last valid state, with the
reason only in the terminal. Here the valid records are rendered as usual and every record with errors gets, at the
address its page would have, a page listing its problems exactly as `paperkb check` prints them; saving the fix turns
it back into the paper's page. What cannot be shown without the broken files is left out: a paper whose topic is
broken, a topic whose parent is broken, a `related` link to a broken paper. A broken registry leaves nothing to build
on, so the home page then lists its problems. Pure: files and problems in, a knowledge base and pages out.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from paperkb import identifiers, models, urls
from paperkb.kb import KnowledgeBase
from paperkb.problems import Problem
from paperkb.records import RecordFile
from paperkb.repository import REGISTRY, build_kb


@dataclass
class Preview:
    kb: KnowledgeBase
    pages: dict[str, str] = field(default_factory=dict)  # docs path -> Markdown, for the broken records
    left_out: list[str] = field(default_factory=list)  # valid records not shown because they depend on broken ones


def _page(title: str, intro: str, lines: list[str]) -> str:
    """A page with the problems in a block of preformatted text: every character escaped, nothing interpreted."""
    front = {"title": html.escape(title, quote=True), "pkb_kind": "preview-error"}
    head = ["---", *(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in front.items()), "---", ""]
    body = [
        f"# {html.escape(title)}",
        "",
        f'<div class="admonition failure pkb-preview-errors" markdown="0"><p class="admonition-title">{html.escape(intro)}</p>',
        f"<pre><code>{html.escape(chr(10).join(lines))}</code></pre>",
        "<p>改好并保存后，这里会自动变回论文页面。Fix and save: this page turns back into the record's page.</p></div>",
        "",
    ]
    return "\n".join(head + body)


def _address(file: RecordFile) -> str | None:
    """Where the record's page would be, when its file name can be an address."""
    stem = PurePosixPath(file.path).stem
    if not re.fullmatch(identifiers.SLUG, stem):
        return None
    return urls.paper_page(stem) if file.kind == "paper" else urls.topic_page(stem) if file.kind == "topic" else None


def address_url(page: str, base: str) -> str:
    """'papers/lora.md' → '<base>papers/lora/'; 'topics/peft/index.md' → '<base>topics/peft/'; 'index.md' → base."""
    stem = page.removesuffix("index.md").removesuffix(".md")
    return base + (stem.rstrip("/") + "/" if stem else "")


def partial(files: list[RecordFile], problems: list[Problem]) -> Preview:
    """What the preview can show: the valid records, and a page of messages for each broken one."""
    by_path: dict[str, list[str]] = {}
    for problem in problems:
        if problem.severity == "error":
            by_path.setdefault(problem.path, []).append(problem.as_text())
    broken_registry = [p for p in problems if p.severity == "error" and p.path in REGISTRY]
    if broken_registry:
        lines = [p.as_text() for p in broken_registry]
        intro = "词表有错误，预览无法生成其他页面 / a registry has errors, so nothing else can be previewed"
        return Preview(KnowledgeBase((), ()), {"index.md": _page("registry/ 有错误", intro, lines)})
    good = [f for f in files if f.path not in by_path and f.model is not None]
    topics = {f.model.id: f for f in good if isinstance(f.model, models.Topic)}
    changed = True
    while changed:  # a topic whose parent is broken cannot be placed in the tree (each pass removes at least one)
        gone = [tid for tid, f in topics.items() if isinstance(f.model, models.Topic) and f.model.parent and f.model.parent not in topics]
        changed = bool(gone)
        for tid in gone:
            del topics[tid]
    kept: list[RecordFile] = [f for f in good if not isinstance(f.model, models.Topic | models.Paper)] + list(topics.values())
    left_out = [f.path for f in good if isinstance(f.model, models.Topic) and f.model.id not in topics]
    papers = [f for f in good if isinstance(f.model, models.Paper)]
    ids = {f.model.id for f in papers if isinstance(f.model, models.Paper) and set(f.model.topics) <= set(topics)}
    for file in papers:
        paper = file.model
        assert isinstance(paper, models.Paper)
        if paper.id not in ids:
            left_out.append(file.path)
            continue
        if not set(paper.related) <= ids:
            paper = paper.model_copy(update={"related": [r for r in paper.related if r in ids]})
        kept.append(RecordFile(file.path, file.kind, file.doc, paper))
    pages = {}
    for path, lines in sorted(by_path.items()):
        record = next((f for f in files if f.path == path), None)
        address = _address(record) if record else None
        if address is not None:
            intro = f"这条记录有 {len(lines)} 个错误，网站不会显示它 / {len(lines)} error(s): this record is left out of the site"
            pages[address] = _page(path, intro, lines)
    return Preview(build_kb(kept), pages, sorted(left_out))
