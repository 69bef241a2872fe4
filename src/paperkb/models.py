"""The shape of every record, defined once.

These models are the single source of truth for three things: validation of contributed YAML, the JSON Schema that
editors use for completion (`paperkb schema`), and the field reference in CONTRIBUTING.md. Every field therefore carries a
description written for a contributor. Models are strict and forbid unknown keys, so `topcis:` is an error, not a silently
ignored typo. Rules that need other records (topics that exist, unique ids) live in `checks.py`, not here.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from paperkb import identifiers

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: object) -> object:
    """Dates are written as quoted or plain `YYYY-MM-DD`; the loader hands them over as text."""
    if isinstance(value, str):
        if not _DATE.fullmatch(value):
            raise ValueError("must be a date written YYYY-MM-DD, e.g. '2023-10-17'")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"'{value}' is not a real calendar date; write YYYY-MM-DD") from None
    return value


def _arxiv(value: str) -> str:
    problem = identifiers.arxiv_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _https(value: str) -> str:
    problem = identifiers.https_url_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _one_line(value: str) -> str:
    if "\n" in value.strip("\n"):
        raise ValueError("must be one line; remove the line breaks")
    return value.strip()


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
Slug = Annotated[str, StringConstraints(pattern=identifiers.SLUG)]
Line = Annotated[str, StringConstraints(min_length=1, max_length=300), AfterValidator(_one_line)]
Prose = Annotated[str, StringConstraints(min_length=1, max_length=8000)]
ArxivId = Annotated[str, AfterValidator(_arxiv)]
HttpsUrl = Annotated[str, StringConstraints(max_length=500), AfterValidator(_https)]
GithubRepo = Annotated[str, StringConstraints(pattern=identifiers.GITHUB_REPO)]
Doi = Annotated[str, StringConstraints(pattern=identifiers.DOI)]
AnthologyId = Annotated[str, StringConstraints(pattern=identifiers.ANTHOLOGY)]
ArxivClass = Annotated[str, StringConstraints(pattern=identifiers.ARXIV_CLASS)]
Year = Annotated[int, Field(ge=1950, le=2100)]


def _page_range(value: str) -> str:
    first, _, last = value.partition("-")
    if last and int(last) < int(first):
        raise ValueError(f"page range '{value}' ends before it starts; write first-last, e.g. '4171-4186'")
    return value


Pages = Annotated[str, StringConstraints(pattern=identifiers.PAGES), AfterValidator(_page_range)]


class Strict(BaseModel):
    """Base for every record: strict types, unknown keys rejected, immutable once loaded."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Notes(Strict):
    """Reading notes in Chinese. Light Markdown: paragraphs, `-` lists, **bold**, `inline code`, inline math `$…$`."""

    motivation: Prose = Field(
        examples=["全量微调要为每个任务存一份完整的模型副本……"],
        description="动机: the problem the paper attacks and why earlier work falls short.",
    )
    method: Prose = Field(
        examples=["冻结预训练权重 $W_0$，为增量学习低秩分解 $BA$……"],
        description="方法: the paper's idea and how it works, in enough detail to judge it.",
    )
    results: Prose = Field(
        examples=["GSM8K 准确率 56.8 → 74.4，对比同规模的标准提示……"],
        description=(
            "结果: each headline claim as benchmark, baseline and number (e.g. 'GSM8K 56.8 → 74.4，对比 …'), "
            "or a plain statement that the paper reports no numbers."
        ),
    )
    limitations: Prose | None = Field(
        default=None,
        description="局限: what the paper does not show, what it costs, what later work found; mark our own view '笔者注：'.",
    )


class Paper(Strict):
    """One paper, stored as `papers/<id>.yaml`."""

    id: Slug = Field(examples=["lora"], description="Record id and URL slug: lower-case letters, digits and hyphens; equals the file name.")
    title: Line = Field(
        examples=["LoRA: Low-Rank Adaptation of Large Language Models"],
        description="The paper's official English title, exactly as published.",
    )
    short_name: Annotated[str, StringConstraints(min_length=1, max_length=60), AfterValidator(_one_line)] = Field(
        examples=["LoRA"], description="The name people use for the paper or its method, e.g. 'LoRA'."
    )
    title_zh: Line | None = Field(default=None, description="Optional Chinese rendering of the title.")
    arxiv: ArxivId | None = Field(
        default=None,
        description="arXiv id without version, quoted: '2106.09685' (new style) or 'hep-th/9901001' (old style).",
    )
    arxiv_class: ArxivClass | None = Field(
        default=None,
        description="arXiv primary category as arXiv lists it, e.g. 'cs.CL'; cited as `primaryClass`. Leave out when unsure.",
    )
    doi: Doi | None = Field(default=None, description="Publisher DOI, e.g. '10.18653/v1/N19-1423' (not arXiv's own).")
    anthology: AnthologyId | None = Field(
        default=None,
        description=(
            "ACL Anthology id of the published paper, e.g. '2023.emnlp-main.923' or 'N19-1423', copied from its "
            "aclanthology.org page; decides the proceedings title and the citation's URL."
        ),
    )
    url: HttpsUrl | None = Field(default=None, description="https link to the paper, only for papers that are not on arXiv.")
    authors: list[Line] | None = Field(
        default=None,
        min_length=1,
        description="Full author names in paper order. Complete or absent: never 'et al.'.",
    )
    team: Line | None = Field(
        default=None,
        description=(
            "The team that signs a team-written report, exactly as the paper names it (e.g. 'OpenAI', 'DeepSeek-AI', "
            "'Qwen Team'); cited as one corporate author when `authors` is absent."
        ),
    )
    year: Year = Field(examples=[2021], description="Year of the paper's first version (for arXiv papers, the year of v1).")
    published: IsoDate | None = Field(default=None, description="Date of the first version, YYYY-MM-DD.")
    venue: Line | None = Field(
        default=None, description="Where it was published: '<series> <year>', e.g. 'NeurIPS 2020'; see registry/venues.yaml."
    )
    pages: Pages | None = Field(
        default=None,
        description="Pages in the proceedings or journal, e.g. '4171-4186', as the publisher's page lists them; verified, else absent.",
    )
    institutions: list[Line] = Field(
        default_factory=list, description="Main institutions, by their canonical names in registry/institutions.yaml."
    )
    code: GithubRepo | None = Field(default=None, description="Official code as a GitHub 'owner/repo'.")
    topics: list[Slug] = Field(examples=[["peft"]], min_length=1, description="Ids of the topics (topics/*.yaml) this paper belongs to.")
    tags: list[Slug] = Field(default_factory=list, max_length=8, description="Tags from registry/tags.yaml.")
    tldr: Line = Field(
        examples=["冻结预训练权重，只为权重增量学习一对低秩矩阵；可训练参数减少上万倍。"],
        description="One line in Chinese: what the paper does and why it matters.",
    )
    notes: Notes = Field(
        examples=[{"motivation": "……", "method": "……", "results": "……"}], description="Reading notes: motivation, method, results."
    )
    related: list[Slug] = Field(default_factory=list, description="Ids of papers this one builds on or is tied to.")
    added: IsoDate = Field(examples=["2026-11-24"], description="Date the record joined the knowledge base, YYYY-MM-DD.")

    @property
    def heading(self) -> str:
        """`<short name>: <title>`, or the title alone when it already starts with the short name ("LoRA: LoRA: …")."""
        return self.title if self.title.startswith(self.short_name) else f"{self.short_name}: {self.title}"


class Reading(Strict):
    """A pointer to further reading on a topic."""

    title: Line = Field(
        examples=["《大模型基础》第 4 章 参数高效微调"], description="What to read, e.g. '《大模型基础》第 4 章 参数高效微调'."
    )
    url: HttpsUrl | None = Field(default=None, description="https link to it, when it is online.")


class Topic(Strict):
    """One topic, stored as `topics/<id>.yaml`; `parent` makes the topics a tree."""

    id: Slug = Field(examples=["peft"], description="Topic id; equals the file name.")
    name: Line = Field(examples=["参数高效微调"], description="Chinese name shown on the site.")
    name_en: Line = Field(examples=["Parameter-efficient fine-tuning"], description="English name.")
    parent: Slug | None = Field(default=None, description="Id of the parent topic; absent for a top-level topic.")
    order: Annotated[int, Field(ge=0, le=10000)] = Field(examples=[10], description="Sort order among siblings (smaller first).")
    intro: Prose = Field(
        examples=["参数高效微调只训练少量新增或选定的参数……"],
        description="Introduction in Chinese: what the area is about and how its papers relate.",
    )
    reading: list[Reading] = Field(default_factory=list, description="Further reading: textbook chapters, surveys.")


class Tag(Strict):
    """An entry of the controlled tag vocabulary."""

    id: Slug = Field(examples=["rlhf"], description="Tag id used in paper records.")
    name: Line = Field(examples=["人类反馈强化学习"], description="Chinese label.")
    name_en: Line = Field(examples=["RLHF"], description="English label.")


class Institution(Strict):
    """One organisation under one canonical name, so indexes do not split it."""

    name: Line = Field(examples=["Google DeepMind"], description="Canonical English name used in paper records.")
    name_zh: Line | None = Field(default=None, description="Chinese name.")
    aliases: list[Line] = Field(default_factory=list, description="Other names that mean the same organisation.")


class AnthologyVolume(Strict):
    """One volume of an ACL-family edition: its papers' Anthology ids start with `anthology`."""

    anthology: Annotated[str, StringConstraints(pattern=r"^(?:\d{4}\.[a-z0-9]+(?:-[a-z0-9]+)*|[A-Z]\d{2}-\d{1,2})$")] = Field(
        description="The volume part of its papers' Anthology ids, e.g. '2023.emnlp-main', '2023.findings-emnlp', 'N19-1'."
    )
    title: Line = Field(description="The volume's full title as the Anthology prints it, used as booktitle.")


class Edition(Strict):
    """What one year of a series is cited with, as the proceedings (or the journal's volume) name themselves.

    Every value must be checked against the publisher's own pages (two sources); what is unknown stays absent and the
    citation falls back to the series' `full` name.
    """

    year: Year = Field(description="The edition's year, as in a record's `venue: '<name> <year>'`.")
    title: Line | None = Field(
        default=None,
        description="Full proceedings title (booktitle), e.g. 'Proceedings of the 40th International Conference on Machine Learning'.",
    )
    volumes: list[AnthologyVolume] = Field(
        default_factory=list, description="ACL Anthology volumes of the edition; a paper's `anthology` id picks its title."
    )
    volume: Annotated[str, StringConstraints(pattern=r"^\d{1,4}$")] | None = Field(
        default=None, description="Volume number of the proceedings or journal that year, e.g. '36' (NeurIPS 2023), '202' (PMLR)."
    )
    series: Line | None = Field(default=None, description="Book series, e.g. 'Proceedings of Machine Learning Research'.")
    publisher: Line | None = Field(default=None, description="Publisher as the proceedings name it, e.g. 'Curran Associates, Inc.'.")
    address: Line | None = Field(default=None, description="Place, where the venue's own BibTeX gives one, e.g. 'Singapore'.")


class Venue(Strict):
    """A conference or journal series; records cite it as '<name> <year>'."""

    name: Line = Field(examples=["NeurIPS"], description="Canonical short name, e.g. 'NeurIPS'.")
    full: Line = Field(
        examples=["Advances in Neural Information Processing Systems"],
        description="Full name, used as booktitle/journal in BibTeX when the edition names no title.",
    )
    kind: Literal["conference", "journal"] = Field(examples=["conference"], description="Decides @inproceedings or @article.")
    aliases: list[Line] = Field(default_factory=list, description="Other names for the same series, e.g. 'NIPS'.")
    editions: list[Edition] = Field(default_factory=list, description="Per-year proceedings facts, oldest first.")

    def edition(self, year: int) -> Edition | None:
        return next((e for e in self.editions if e.year == year), None)


class GlossaryEntry(Strict):
    """One field concept under its names in both languages, so a query in either finds pages that use any of them."""

    id: Slug = Field(description="Concept id, e.g. 'instruction-tuning'.")
    zh: list[Line] = Field(min_length=1, description="Chinese terms for the concept, e.g. '指令微调'.")
    en: list[Line] = Field(min_length=1, description="English terms and abbreviations, e.g. 'instruction tuning', 'LoRA'.")
    papers: list[Slug] = Field(
        default_factory=list,
        max_length=5,
        description="Ids of the records that introduced or define the concept (at most 5), e.g. 'flan': a query for any "
        "term lists them first.",
    )


class TagFile(Strict):
    tags: list[Tag] = Field(examples=[[{"id": "rlhf", "name": "人类反馈强化学习", "name_en": "RLHF"}]], description="The tag vocabulary.")


class InstitutionFile(Strict):
    institutions: list[Institution] = Field(
        examples=[[{"name": "Google DeepMind", "name_zh": "谷歌 DeepMind"}]], description="The institution registry."
    )


class VenueFile(Strict):
    venues: list[Venue] = Field(
        examples=[[{"name": "NeurIPS", "full": "Advances in Neural Information Processing Systems", "kind": "conference"}]],
        description="The venue registry.",
    )


class GlossaryFile(Strict):
    terms: list[GlossaryEntry] = Field(description="The zh↔en glossary of field terms used by search.")
