"""Venue-grade citations: what the proceedings' own BibTeX carries, one golden entry of each kind, the year rule, and
the edition and Anthology checks that keep the registry and the records consistent."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bibtexparser.entrypoint import parse_string
from citation_helpers import CITE, cite_kb
from conftest import golden

from paperkb import cli
from paperkb.bibtex import export_bibtex
from paperkb.citation import citation_facts, citation_keys
from paperkb.citeformats import FORMATS
from paperkb.csl import export_csl
from paperkb.identifiers import anthology_link, anthology_volume, anthology_year
from paperkb.ris import export_ris

GOLDEN = Path(__file__).parent / "golden" / "cite"


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_one_entry_of_each_kind_golden(fmt: str, update_golden: bool) -> None:
    kb = cite_kb()
    golden(GOLDEN / f"entries{FORMATS[fmt].suffix}", FORMATS[fmt].export(kb, kb.papers), update_golden)


def _entries() -> dict[str, dict[str, str]]:
    kb = cite_kb()
    keys = citation_keys(kb.papers)
    library = parse_string(export_bibtex(kb, kb.papers))
    assert not library.failed_blocks
    by_key = {e.key: e for e in library.entries}
    return {pid: {"@": by_key[key].entry_type, **{f.key: f.value for f in by_key[key].fields}} for pid, key in keys.items()}


def test_acl_family_paper_exports_as_the_anthology_does() -> None:
    bert = _entries()["bert"]
    assert bert["@"] == "inproceedings"
    assert bert["booktitle"] == (
        "Proceedings of the 2019 Conference of the North American Chapter of the Association for Computational "
        "Linguistics: Human Language Technologies, Volume 1 (Long and Short Papers)"
    )
    assert bert["pages"] == "4171--4186"
    assert bert["publisher"] == "Association for Computational Linguistics"
    assert bert["address"] == "Minneapolis, Minnesota"
    assert bert["doi"] == "10.18653/v1/N19-1423"
    assert bert["url"] == "https://aclanthology.org/N19-1423/"
    assert (bert["eprint"], bert["archivePrefix"], bert["primaryClass"]) == ("1810.04805", "arXiv", "cs.CL")
    assert bert["year"] == "2019"


def test_journal_neurips_pmlr_and_iclr_name_themselves() -> None:
    entries = _entries()
    tacl = entries["lost-in-the-middle"]
    assert (tacl["@"], tacl["journal"], tacl["volume"], tacl["pages"]) == (
        "article",
        "Transactions of the Association for Computational Linguistics",
        "12",
        "157--173",
    )
    assert (tacl["doi"], tacl["url"]) == ("10.1162/tacl_a_00638", "https://aclanthology.org/2024.tacl-1.9/")
    qlora = entries["qlora"]
    assert (qlora["booktitle"], qlora["volume"], qlora["publisher"]) == (
        "Advances in Neural Information Processing Systems",
        "36",
        "Curran Associates, Inc.",
    )
    pmlr = entries["speculative-decoding"]
    assert (pmlr["booktitle"], pmlr["series"], pmlr["volume"], pmlr["publisher"]) == (
        "Proceedings of the 40th International Conference on Machine Learning",
        "Proceedings of Machine Learning Research",
        "202",
        "PMLR",
    )
    assert "pages" not in pmlr  # the record has none: nothing is invented
    assert entries["lora"]["booktitle"] == "International Conference on Learning Representations"


def test_arxiv_only_paper_is_misc_with_eprint_and_its_class_only_when_known() -> None:
    entries = _entries()
    qwen = entries["qwen2-5"]
    assert (qwen["@"], qwen["eprint"], qwen["archivePrefix"], qwen["primaryClass"]) == ("misc", "2412.15115", "arXiv", "cs.CL")
    kb = cite_kb()
    unknown = kb.paper_by_id["qwen2-5"].model_copy(update={"arxiv_class": None})
    assert "primaryClass" not in export_bibtex(kb, [unknown])
    assert "primaryClass" not in entries["lora"]  # LoRA's record does not say its class


def test_the_key_carries_the_year_the_entry_carries() -> None:
    """LoRA: first version 2021, ICLR 2022: key and year both say 2022; unpublished, both say 2021."""
    kb = cite_kb()
    for pid, fields in _entries().items():
        assert str(citation_facts(kb, kb.paper_by_id[pid]).year) == fields["year"]
    assert citation_keys(kb.papers)["lora"] == "hu2022lora"
    preprint = kb.paper_by_id["lora"].model_copy(update={"venue": None})
    assert citation_keys([preprint]) == {"lora": "hu2021lora"}
    assert "year = {2021}" in export_bibtex(kb, [preprint])


def test_without_an_edition_the_series_name_is_the_container() -> None:
    kb = cite_kb()
    colm = kb.paper_by_id["lora"].model_copy(update={"venue": "COLM 2024"})
    facts = citation_facts(kb, colm)
    assert (facts.container, facts.publisher, facts.volume) == ("Conference on Language Modeling", None, None)


def test_csl_and_ris_carry_the_same_venue_facts() -> None:
    kb = cite_kb()
    items = {i["id"]: i for i in json.loads(export_csl(kb, kb.papers))}
    bert = items["devlin2019bert"]
    assert bert["container-title"].startswith("Proceedings of the 2019 Conference of the North American Chapter")
    assert (bert["page"], bert["publisher"], bert["publisher-place"], bert["DOI"]) == (
        "4171-4186",
        "Association for Computational Linguistics",
        "Minneapolis, Minnesota",
        "10.18653/v1/N19-1423",
    )
    assert items["leviathan2023fast"]["collection-title"] == "Proceedings of Machine Learning Research"
    ris = export_ris(kb, [kb.paper_by_id["bert"]])
    for line in ("SP  - 4171", "EP  - 4186", "CY  - Minneapolis, Minnesota", "UR  - https://aclanthology.org/N19-1423/"):
        assert line in ris.splitlines()


@pytest.mark.parametrize(
    ("anthology", "volume", "year"),
    [
        ("2023.emnlp-main.923", "2023.emnlp-main", 2023),
        ("2023.findings-emnlp.45", "2023.findings-emnlp", 2023),
        ("2024.tacl-1.9", "2024.tacl-1", 2024),
        ("N19-1423", "N19-1", 2019),
        ("P19-1285", "P19-1", 2019),
        ("W19-4302", "W19-43", 2019),
        ("J79-1001", "J79-1", 1979),
    ],
)
def test_anthology_ids_name_their_volume_and_year(anthology: str, volume: str, year: int) -> None:
    assert anthology_volume(anthology) == volume
    assert anthology_year(anthology) == year
    assert anthology_link(anthology) == f"https://aclanthology.org/{anthology}/"


def _check(root: Path, capsys: pytest.CaptureFixture[str]) -> str:
    cli.main(["--root", str(root), "check"])
    return capsys.readouterr().out


def test_registry_editions_are_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "kb"
    shutil.copytree(CITE, root)
    assert "0 errors" in _check(root, capsys)
    venues = root / "registry" / "venues.yaml"
    text = venues.read_text(encoding="utf-8")
    venues.write_text(text.replace('- anthology: "N19-1"', '- anthology: "N18-1"'), encoding="utf-8")
    out = _check(root, capsys)
    assert "volume N18-1 is not from 2019" in out
    assert "papers/bert.yaml:8:12: anthology: Anthology volume N19-1 is not listed for NAACL 2019" in out
    later = '        publisher: "PMLR"\n'
    earlier = later + '      - year: 2019\n        title: "Proceedings of the 36th International Conference on Machine Learning"\n'
    venues.write_text(text.replace(later, earlier, 1), encoding="utf-8")
    assert "editions must be listed oldest first, one per year" in _check(root, capsys)


def test_every_real_anthology_record_exports_its_volume_title_pages_and_doi() -> None:
    """The whole collection, not a toy: an ACL-family record with an Anthology id cites its volume as the Anthology does."""
    from conftest import ROOT

    from paperkb.citation import venue_of
    from paperkb.repository import load_kb

    kb, problems = load_kb(ROOT)
    assert kb is not None and not [p for p in problems if p.severity == "error"]
    papers = [p for p in kb.papers if p.anthology]
    assert len(papers) >= 70
    keys = citation_keys(kb.papers)
    library = parse_string(export_bibtex(kb, papers))
    assert not library.failed_blocks
    entries = {e.key: {f.key: f.value for f in e.fields} for e in library.entries}
    for paper in papers:
        entry = entries[keys[paper.id]]
        found = venue_of(kb, paper)
        assert found, paper.id
        series, year = found
        edition = series.edition(year)
        assert edition is not None, f"{paper.id}: no {series.name} {year} edition in registry/venues.yaml"
        volume = anthology_volume(paper.anthology)
        titles = {v.anthology: v.title for v in edition.volumes}
        assert entry.get("booktitle", entry.get("journal")) == titles.get(volume, edition.title), paper.id
        assert entry["url"] == anthology_link(paper.anthology), paper.id
        if paper.pages:
            assert entry["pages"] == paper.pages.replace("-", "--"), paper.id
        if paper.doi:
            assert entry["doi"] == paper.doi, paper.id
        if series.kind == "conference":
            assert entry["publisher"] == "Association for Computational Linguistics" and entry.get("address"), paper.id
