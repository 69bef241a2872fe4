"""The citation formats behind one small interface, so the CLI, the site's files and its download links list the same.

Each format turns papers into one file's text (`export(kb, papers)`), with its file suffix and the label a page shows.
Every format renders the facts `citation.py` decides, under the same keys, so switching format changes no citation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from paperkb import bibtex, csl, ris
from paperkb.kb import KnowledgeBase
from paperkb.models import Paper


@dataclass(frozen=True)
class CitationFormat:
    name: str  # the CLI's --format value
    suffix: str  # file suffix on the site: cite/<id><suffix>
    label: str  # what a download link says
    media_type: str
    export: Callable[[KnowledgeBase, Iterable[Paper]], str]


FORMATS: dict[str, CitationFormat] = {
    f.name: f
    for f in (
        CitationFormat("bibtex", ".bib", "BibTeX", "application/x-bibtex", bibtex.export_bibtex),
        CitationFormat("csl", ".json", "CSL-JSON", "application/vnd.citationstyles.csl+json", csl.export_csl),
        CitationFormat("ris", ".ris", "RIS", "application/x-research-info-systems", ris.export_ris),
    )
}
