"""BibTeX export: golden output, round trips through a parser, hostile input, citation keys, and the real tools."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from bibtexparser.entrypoint import parse_string
from bibtexparser.library import Library
from citation_helpers import HOSTILE_AUTHORS, HOSTILE_TITLES, balanced, cite_kb, hostile_papers, toy_kb
from conftest import ROOT, TOY, golden
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperkb import cli
from paperkb.bibimport import bibtex_authors, latex_to_text
from paperkb.bibtex import FIELD_ORDER, bibtex_name, entry_for, export_bibtex, latex_escape
from paperkb.citation import citation_keys
from paperkb.models import Paper
from paperkb.repository import load_kb

GOLDEN = Path(__file__).parent / "golden"
NOT_TEXT = {"Cc", "Cs", "Cn", "Co"}


def parse(text: str) -> Library:
    library = parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return library


def same_text(text: str) -> str:
    """What the export promises to keep of a text: NFC; no controls, surrogates, unassigned or private-use code points;
    single spaces."""
    text = unicodedata.normalize("NFC", text)
    return " ".join(
        "".join(
            ch for ch in text if ch.isspace() or unicodedata.category(ch)[0] + unicodedata.category(ch)[1] not in {"Cc", "Cs", "Cn", "Co"}
        ).split()
    )


# --- golden output and round trip -----------------------------------------------------------------------------------


def test_toy_kb_golden_bib(update_golden: bool) -> None:
    kb = toy_kb()
    golden(GOLDEN / "toy.bib", export_bibtex(kb, kb.papers), update_golden)


def test_export_is_deterministic_and_independent_of_input_order() -> None:
    kb = toy_kb()
    assert export_bibtex(kb, kb.papers) == export_bibtex(kb, reversed(kb.papers))


def test_round_trip_keeps_every_fact() -> None:
    """Export, parse with bibtexparser, decode the LaTeX: the records' facts come back unchanged."""
    kb = toy_kb()
    keys = citation_keys(kb.papers)
    entries = {e.key: e for e in parse(export_bibtex(kb, kb.papers)).entries}
    assert sorted(entries) == sorted(keys.values())
    for paper in kb.papers:
        entry = entries[keys[paper.id]]
        fields = {f.key: f.value for f in entry.fields}
        assert [f.key for f in entry.fields] == [k for k in FIELD_ORDER if k in fields], "fields out of the fixed order"
        assert latex_to_text(fields["title"]) == paper.title
        if paper.authors:
            assert bibtex_authors(fields["author"]) == (paper.authors, False)
        else:
            assert "author" not in fields
            assert fields["key"] == paper.short_name
        assert fields.get("eprint") == paper.arxiv
        if paper.venue:
            series, year = paper.venue.rsplit(" ", 1)
            venue = kb.venue_by_name[series]
            assert entry.entry_type == ("inproceedings" if venue.kind == "conference" else "article")
            assert fields["booktitle" if venue.kind == "conference" else "journal"] == venue.full
            assert fields["year"] == year  # the proceedings year
            assert fields.get("doi") == paper.doi  # never arXiv's DOI for a published paper
        else:
            assert entry.entry_type == "misc"
            assert fields["year"] == str(paper.year)  # the first version's year
        if paper.arxiv and not paper.venue:
            assert fields["doi"] == f"10.48550/arXiv.{paper.arxiv}"
            assert fields["archivePrefix"] == "arXiv"
        assert fields["url"] == (paper.url or f"https://arxiv.org/abs/{paper.arxiv}")


def test_venue_year_and_first_version_year() -> None:
    """LoRA: v1 in 2021, at ICLR 2022. The @inproceedings and its key say 2022; as a preprint, both say 2021."""
    kb = toy_kb()
    entry = parse(export_bibtex(kb, [kb.paper_by_id["lora"]])).entries[0]
    assert entry.key == "hu2022lora"
    assert entry["year"] == "2022"
    preprint = kb.paper_by_id["lora"].model_copy(update={"venue": None})
    entry = parse(export_bibtex(kb, [preprint])).entries[0]
    assert (entry.key, entry.entry_type, entry["year"], entry["doi"]) == ("hu2021lora", "misc", "2021", "10.48550/arXiv.2106.09685")


def test_publisher_doi_wins_over_arxiv_doi() -> None:
    kb = toy_kb()
    paper = kb.paper_by_id["lora"].model_copy(update={"venue": None, "doi": "10.1000/xyz{1}"})
    entry = parse(export_bibtex(kb, [paper])).entries[0]
    assert entry["doi"] == "10.1000/xyz%7B1%7D"  # braces percent-encoded: same DOI, harmless value


# --- the one encoding function ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\\", r"\textbackslash{}"),
        ("{", r"\textbraceleft{}"),
        ("}", r"\textbraceright{}"),
        ("$ % & # _", r"\$ \% \& \# \_"),
        ("~^", r"\textasciitilde{}\textasciicircum{}"),
        ("a--b", "a-{}-b"),
        ("Jürgen Łukasz", r"J{\"{u}}rgen {\L}ukasz"),
        ("中文 α", "中文 α"),
        ("line\nbreak\t and  spaces", "line break and spaces"),
        ("bell\x07", "bell"),
    ],
)
def test_latex_escape(text: str, expected: str) -> None:
    assert latex_escape(text) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("LoRA: Low-Rank Adaptation", "{LoRA}: Low-Rank Adaptation"),
        ("GPT-4 Technical Report", "{GPT}-4 Technical Report"),
        ("BERT and T5", "{BERT} and {T5}"),
        ("Attention Is All You Need", "Attention Is All You Need"),
        ("A Study", "A Study"),
    ],
)
def test_title_capitals_are_protected(title: str, expected: str) -> None:
    assert latex_escape(title, title=True) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Edward J. Hu", "Hu, Edward J."),
        ("Łukasz Kaiser", r"Kaiser, {\L}ukasz"),
        ("Jürgen Schmidhuber", r"Schmidhuber, J{\"{u}}rgen"),
        ("Ludwig van Beethoven", "van Beethoven, Ludwig"),
        ("Martin Luther King Jr.", "King, Jr., Martin Luther"),
        ("Martin Luther King, Jr.", "King, Jr., Martin Luther"),
        ("Smith, Jr.", "{Smith Jr.}"),
        ("Plato", "Plato"),
        ("others", "{o}thers"),
        ("Tom and Jerry", "{and} Jerry, Tom"),
    ],
)
def test_bibtex_names(name: str, expected: str) -> None:
    assert bibtex_name(name) == expected


def test_hostile_titles_and_names_stay_harmless() -> None:
    kb = toy_kb()
    papers = hostile_papers(kb)
    text = export_bibtex(kb, papers)
    library = parse(text)
    assert len(library.entries) == len(papers)
    by_title = {latex_to_text(e["title"]): e for e in library.entries}
    for title in HOSTILE_TITLES:
        entry = by_title[same_text(title)]
        assert all(balanced(f.value) for f in entry.fields), entry
        assert bibtex_authors(entry["author"])[0] == kb.paper_by_id["lora"].authors
        assert "\\input" not in entry["title"] and "\\include" not in entry["title"]
    names = by_title["Names"]
    authors, incomplete = bibtex_authors(names["author"])
    assert len(authors) == len(HOSTILE_AUTHORS) and not incomplete
    assert "Mallory" not in names["title"]


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.text(min_size=1, max_size=120))
def test_any_title_is_balanced_and_round_trips(title: str) -> None:
    kb = toy_kb()
    paper = kb.paper_by_id["lora"].model_copy(update={"title": title, "id": "prop"})
    library = parse(export_bibtex(kb, [paper]))
    assert len(library.entries) == 1
    entry = library.entries[0]
    assert all(balanced(f.value) for f in entry.fields)
    assert latex_to_text(entry["title"]) == same_text(title)
    assert len(bibtex_authors(entry["author"])[0]) == len(kb.paper_by_id["lora"].authors)


@settings(max_examples=200, deadline=None, database=None)
@given(name=st.text(min_size=1, max_size=60).filter(lambda s: same_text(s) != ""))
def test_any_author_name_stays_one_author(name: str) -> None:
    kb = toy_kb()
    paper = kb.paper_by_id["qlora"].model_copy(update={"authors": ["Ada Lovelace", name, "Alan Turing"], "id": "prop"})
    entry = parse(export_bibtex(kb, [paper])).entries[0]
    assert balanced(entry["author"])
    authors, _ = bibtex_authors(entry["author"])
    assert len(authors) == 3, entry["author"]


# --- citation keys ----------------------------------------------------------------------------------------------------


def _paper(pid: str, title: str, author: str = "Jane Smith", year: int = 2020, **extra: object) -> Paper:
    base = toy_kb().paper_by_id["qlora"]
    return base.model_copy(update={"id": pid, "title": title, "authors": [author], "year": year, "venue": None, **extra})


def test_keys_follow_the_documented_scheme() -> None:
    keys = citation_keys(toy_kb().papers)
    assert keys == {"lora": "hu2022lora", "qlora": "dettmers2023qlora", "gpt-2": "gpt2-2019language"}
    assert citation_keys([_paper("x", "On the Łódź Effect", author="Łukasz van der Kaiser")]) == {"x": "kaiser2020lodz"}


def test_keys_are_ascii_unique_and_break_collisions_by_rule() -> None:
    papers = [
        _paper("attn-a", "Attention for Translation"),
        _paper("attn-b", "Attention for Parsing"),
        _paper("attn-c", "Attention for Parsing"),
        _paper("attn-d", "Attention"),
        _paper("other", "Sparse Models"),
    ]
    keys = citation_keys(papers)
    assert keys == {
        "attn-a": "smith2020attentiontranslation",
        "attn-b": "smith2020attentionparsinga",
        "attn-c": "smith2020attentionparsingb",
        "attn-d": "smith2020attention",
        "other": "smith2020sparse",
    }
    assert len(set(keys.values())) == len(keys)
    assert all(re.fullmatch(r"[a-z0-9-]+", k) for k in keys.values())


def test_adding_an_unrelated_paper_changes_no_key() -> None:
    papers = [*toy_kb().papers, _paper("a", "Attention for Translation"), _paper("b", "Attention for Parsing")]
    before = citation_keys(papers)
    after = citation_keys([*papers, _paper("new", "Mixture of Experts", author="Noam Shazeer"), _paper("z", "Sparse Models")])
    assert {pid: after[pid] for pid in before} == before


def test_safety_net_keeps_keys_unique_when_a_suffix_meets_another_key() -> None:
    papers = [_paper("p1", "Attention Parsing"), _paper("p2", "Attention Parsing"), _paper("p3", "Attentionparsinga")]
    keys = citation_keys(papers)
    assert len(set(keys.values())) == 3, keys


def test_key_is_the_same_in_a_partial_export() -> None:
    kb = toy_kb()
    assert parse(export_bibtex(kb, [kb.paper_by_id["qlora"]])).entries[0].key == citation_keys(kb.papers)["qlora"]


# --- the real tools ---------------------------------------------------------------------------------------------------


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"`{name}` is not installed; run `bash .ci/test`, which installs it (texlive-latex-base, texlive-binaries, biber)")
    return path


def _through_real_tools(tmp_path: Path, text: str, count: int, authorless: frozenset[str] = frozenset()) -> tuple[str, Library]:
    """`text` through BibTeX's `plain` style and biber's datamodel validator; both logs must be free of warnings.

    Exit codes are not enough (an injected author only shows as a warning in the .blg), so the logs are read too.
    Returns the .bbl and biber's re-written entries. `authorless`: keys allowed the two tools' missing-author warning.
    """
    bibtex, biber = _tool("bibtex"), _tool("biber")
    (tmp_path / "refs.bib").write_text(text, encoding="utf-8")
    (tmp_path / "doc.aux").write_text("\\citation{*}\n\\bibstyle{plain}\n\\bibdata{refs}\n", encoding="utf-8")
    run = subprocess.run([bibtex, "doc"], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    blg = (tmp_path / "doc.blg").read_text(encoding="utf-8", errors="replace")
    assert run.returncode == 0, run.stdout + run.stderr + blg
    problems = re.findall(r"^(?:Warning--.*|.*error message.*|.*I was expecting.*|.*I'm skipping.*)$", blg, re.M)
    assert not set(problems) - {f"Warning--empty author in {key}" for key in authorless}, blg
    assert authorless or "(There w" not in blg, blg
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    assert bbl.count("\\bibitem") == count
    run = subprocess.run(
        [biber, "--tool", "--validate-datamodel", "--output-file", "checked.bib", "--logfile", "biber", "refs.bib"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    log = (tmp_path / "biber.blg").read_text(encoding="utf-8", errors="replace")
    assert run.returncode == 0, run.stdout + run.stderr + log
    problems = re.findall(r"^.*\b(?:WARN|ERROR)\b.*$", log, re.M)
    allowed = {f"Entry '{key}' (refs.bib): Missing mandatory field 'author'" for key in authorless}
    assert all(any(line.endswith(a) for a in allowed) for line in problems if "INFO - WARNINGS" not in line), log
    checked = parse((tmp_path / "checked.bib").read_text(encoding="utf-8"))
    assert len(checked.entries) == count
    return bbl, checked


@pytest.mark.slow
def test_real_bibtex_and_biber_accept_the_export_without_a_warning(tmp_path: Path) -> None:
    """The toy knowledge base plus every hostile title and name: no warning, no injected author, no file read."""
    kb = toy_kb()
    papers = [*kb.papers, *hostile_papers(kb)]
    bbl, checked = _through_real_tools(tmp_path, export_bibtex(kb, papers), len(papers))
    assert "\\input" not in bbl and "\\include" not in bbl
    keys = citation_keys(papers)
    items = {chunk.split("}", 1)[0]: chunk.split("}", 1)[1] for chunk in bbl.split("\\bibitem{")[1:]}
    authors_of_injected = items[keys["hostile-00"]].split("\\newblock")[0]  # title 'Nice}, author = {Mallory'
    assert "Hu" in authors_of_injected and "Mallory" not in authors_of_injected
    authors = {keys[p.id]: len(p.authors or []) for p in papers}
    for entry in checked.entries:
        count = len(bibtex_authors(entry["AUTHOR"])[0]) if "AUTHOR" in entry else 0
        assert count == authors[entry.key], (entry.key, entry.get("AUTHOR"))


CARET_CASE = Path(__file__).parent / "hostile" / "inert-tex-caret-url.yaml"
CITING_DOCUMENT = r"""\documentclass{article}
\usepackage{natbib}
%s
\begin{document}
\nocite{*}
\bibliographystyle{plainnat}
\bibliography{refs}
\end{document}
"""


def _compile(folder: Path, url_package: bool) -> tuple[str, str, bytes]:
    """latex, bibtex, latex (no shell escape, file recorder on): the citing author's run. Returns log, .fls and .dvi."""
    latex, bibtex = _tool("latex"), _tool("bibtex")
    (folder / "doc.tex").write_text(CITING_DOCUMENT % ("\\usepackage{url}" if url_package else ""), encoding="utf-8")
    for cmd in ([latex, "-recorder", "-no-shell-escape", "-interaction=nonstopmode", "doc"], [bibtex, "doc"]) * 2:
        subprocess.run(cmd, cwd=folder, capture_output=True, timeout=120, check=False)
    dvi = folder / "doc.dvi"
    return (
        (folder / "doc.log").read_text(encoding="utf-8", errors="replace"),
        (folder / "doc.fls").read_text(encoding="utf-8", errors="replace"),
        dvi.read_bytes() if dvi.exists() else b"",
    )


@pytest.mark.slow
@pytest.mark.parametrize("url_package", [False, True], ids=["plainnat-texttt-fallback", "url-package"])
def test_verbatim_fields_cannot_make_latex_read_a_file(tmp_path: Path, url_package: bool) -> None:
    """The hostile corpus's `^^5cinput^^7bsecret.txt^^7d` in `url` and `doi`, cited with natbib's plainnat.

    Without the url package plainnat typesets `\\url{…}` as `\\texttt{…}`, where TeX reads `^^5c` as a backslash
    before any macro sees it: exported as is, the value runs `\\input{secret.txt}` (the file lands in the PDF). With
    the url package the value is verbatim, so the compile must also be clean and show the percent-encoded address.
    """
    from paperkb.records import parse_file

    record, problems = parse_file("papers/inert-tex-caret-url.yaml", "paper", CARET_CASE.read_bytes())
    assert problems == [] and isinstance(record.model, Paper)  # it passes the check: the export has to make it safe
    kb = toy_kb()
    (tmp_path / "refs.bib").write_text(export_bibtex(kb, [record.model]), encoding="utf-8")
    (tmp_path / "secret.txt").write_text("CANARY-7f3e-SECRET\n", encoding="utf-8")

    log, recorded, dvi = _compile(tmp_path, url_package)
    assert "secret.txt" not in recorded, recorded  # TeX never opened it
    assert b"CANARY-7f3e" not in dvi and "CANARY-7f3e" not in log
    assert "^^" not in (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    if url_package:
        assert not re.search(r"^! ", log, re.M), log
        assert "example.com/%5E%5E5cinput%5E%5E7bsecret.txt%5E%5E7d" in (tmp_path / "doc.bbl").read_text(encoding="utf-8")
        assert dvi, "the citing document did not compile"


@pytest.mark.slow
def test_real_tools_accept_every_kind_of_venue_entry(tmp_path: Path) -> None:
    """Series, volume, pages, publisher, address, primaryClass: every field we add is one both tools know.

    biber maps BibTeX's names to biblatex's as it reads (address -> location, primaryClass -> eprintclass), so the
    ACL entry must come back with its pages and place intact.
    """
    kb = cite_kb()
    bbl, checked = _through_real_tools(tmp_path, export_bibtex(kb, kb.papers), len(kb.papers))
    bert = next(e for e in checked.entries if e.key == "devlin2019bert")
    fields = {f.key.lower(): f.value for f in bert.fields}
    assert fields["pages"] == "4171--4186"
    assert fields["location"] == "Minneapolis, Minnesota"
    assert fields["eprintclass"] == "cs.CL"
    assert "Proceedings of the 2019 Conference of the North American Chapter" in " ".join(bbl.split())


@pytest.mark.slow
def test_real_tools_accept_the_whole_collection(tmp_path: Path) -> None:
    """Every record of the repository, with the registry's real editions: what the site's all.bib holds, zero warnings.

    `paperkb check` warns about a published paper without authors, so none is tolerated here either.
    """
    kb, problems = load_kb(ROOT)
    assert kb is not None, problems
    _through_real_tools(tmp_path, export_bibtex(kb, kb.papers), len(kb.papers))


# --- the command ------------------------------------------------------------------------------------------------------


def test_cli_bib_prints_the_golden_export(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--root", str(TOY), "bib"]) == 0
    assert capsys.readouterr().out == (GOLDEN / "toy.bib").read_text(encoding="utf-8")


def test_cli_bib_writes_csl_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "refs.json"
    assert cli.main(["--root", str(TOY), "bib", "--format", "csl", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == (GOLDEN / "toy.csl.json").read_text(encoding="utf-8")
    assert "wrote 3 entries" in capsys.readouterr().err


def test_cli_bib_selects_by_id_topic_with_sub_topics_and_tag(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    qlora = toy / "papers" / "qlora.yaml"
    qlora.write_text(qlora.read_text(encoding="utf-8").replace("topics: [peft, quantization]", "topics: [quantization]"), encoding="utf-8")

    def keys(*args: str) -> list[str]:
        assert cli.main(["--root", str(toy), "bib", *args]) == 0
        return [e.key for e in parse(capsys.readouterr().out).entries]

    assert keys("lora") == ["hu2022lora"]
    assert keys("--topic", "peft") == ["dettmers2023qlora", "gpt2-2019language", "hu2022lora"]  # quantization is under peft
    assert keys("--topic", "quantization") == ["dettmers2023qlora"]
    assert keys("--tag", "lora") == ["dettmers2023qlora", "hu2022lora"]
    assert keys("--tag", "lora", "--topic", "quantization") == ["dettmers2023qlora"]
    assert cli.main(["--root", str(toy), "bib", "gpt-2", "--tag", "lora"]) == 0
    out = capsys.readouterr()
    assert out.out == "" and "no paper matches the selection" in out.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["lorra"], "unknown paper id 'lorra' (did you mean 'lora'?)"),
        (["--topic", "peft-lroa"], "unknown topic 'peft-lroa'"),
        (["--tag", "loar"], "unknown tag 'loar' (did you mean 'lora'?)"),
    ],
)
def test_cli_bib_rejects_unknown_names(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--root", str(TOY), "bib", *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"paperkb: error: {message}") and "Traceback" not in err


def test_cli_bib_refuses_a_broken_knowledge_base(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (toy / "papers" / "broken.yaml").write_text("id: broken\n", encoding="utf-8")
    assert cli.main(["--root", str(toy), "bib"]) == 1
    out = capsys.readouterr()
    assert out.out == "" and "papers/broken.yaml:1:1" in out.err and "fix them first" in out.err


def test_a_team_report_is_cited_with_the_team_as_one_corporate_author() -> None:
    """'Qwen Team' must stay one name: split, BibTeX would print 'Team, Q.' and sort it under T."""
    kb = toy_kb()
    report = kb.paper_by_id["gpt-2"].model_copy(update={"id": "qwen2", "authors": None, "team": "Qwen Team"})
    entry = parse(export_bibtex(kb, [report])).entries[0]
    assert entry.fields_dict["author"].value == "{Qwen Team}"
    assert "key" not in entry.fields_dict
    assert entry.key.startswith("qwen2019")
    people = report.model_copy(update={"authors": ["An Yang"]})
    assert parse(export_bibtex(kb, [people])).entries[0].fields_dict["author"].value == "Yang, An"


def test_writing_in_place_gives_bibtexparsers_default_output_every_time() -> None:
    """The export lets bibtexparser enclose values in place instead of deep-copying every block (issue 15); the file is
    the one the default, copying stack writes, and a second export is not enclosed twice."""
    from bibtexparser.entrypoint import write_string
    from bibtexparser.writer import BibtexFormat
    from conftest import ROOT

    from paperkb.citation import keys_for
    from paperkb.repository import load_kb

    kb, _ = load_kb(ROOT)
    assert kb is not None
    ours = export_bibtex(kb, kb.papers)
    assert export_bibtex(kb, kb.papers) == ours
    keys = keys_for(kb, kb.papers)
    library = Library()
    for paper in sorted(kb.papers, key=lambda p: keys[p.id]):
        library.add(entry_for(kb, paper, keys[paper.id]))
    fmt = BibtexFormat()  # type: ignore[no-untyped-call]
    fmt.indent, fmt.block_separator = "  ", "\n"
    assert write_string(library, bibtex_format=fmt) == ours
