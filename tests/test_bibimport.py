"""Importing .bib files: drafts for new papers, existing records recognised, hostile files survived, nothing overwritten."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pytest
from citation_helpers import toy_kb
from conftest import golden
from timing import stopped_after

from paperkb import cli
from paperkb.bibimport import import_bib
from paperkb.bibtex import export_bibtex
from paperkb.repository import load_kb
from paperkb.yamlload import parse

GOLDEN = Path(__file__).parent / "golden"
DAY = dt.date(2026, 11, 24)

SAMPLE = r"""% Google Scholar, arXiv, ACL Anthology and DBLP styles, with duplicates and mistakes on purpose.
@article{hu2021lora,
  title={Lora: Low-rank adaptation of large language models},
  author={Hu, Edward J and Shen, Yelong and others},
  journal={arXiv preprint arXiv:2106.09685},
  year={2021}
}

@inproceedings{vaswani2017attention,
  title={Attention is all you need},
  author={Vaswani, Ashish and Shazeer, Noam and Parmar, Niki and Uszkoreit, Jakob and Jones, Llion and Gomez, Aidan N
          and Kaiser, {\L}ukasz and Polosukhin, Illia},
  booktitle={Advances in Neural Information Processing Systems},
  volume={30},
  year={2017}
}

@misc{vaswani2017attention,
  title={Attention is all you need, again under the same key},
  year={2017}
}

@misc{vaswani2023attentionisallyouneed,
      title={Attention Is All You Need},
      author={Ashish Vaswani and Noam Shazeer},
      year={2023},
      eprint={1706.03762},
      archivePrefix={arXiv},
      primaryClass={cs.CL},
      url={https://arxiv.org/abs/1706.03762},
}

@misc{broken,
  title = {Unclosed
  author = {Nobody}

@inproceedings{devlin-etal-2019-bert,
    title = "{BERT}: Pre-training of Deep Bidirectional Transformers for Language Understanding",
    author = "Devlin, Jacob  and Chang, Ming-Wei and Lee, Kenton and Toutanova, Kristina",
    booktitle = "Proceedings of the 2019 Conference of the North American Chapter of the Association for Computational
                 Linguistics: Human Language Technologies, Volume 1 (Long and Short Papers)",
    year = "2019",
    doi = "10.18653/v1/N19-1423",
}

@article{schmidhuber2015deep,
  title = {Deep learning in neural networks: An overview},
  author = {Schmidhuber, J{\"u}rgen and van Beethoven, Ludwig and King, Jr., Martin Luther},
  journal = {Neural Networks},
  doi = {https://doi.org/10.1016/j.neunet.2014.09.003},
  year = 2015,
}

@article{qlora-again,
  title = {{QLoRA}: Efficient Finetuning of Quantized {LLMs}},
  journal = {Some Journal},
  year = 2023,
}

@misc{notitle, author = {Doe, Jane}}

@misc{evil,
  title = {Evil: "quotes" and # yaml: comments \n and a --- line},
  author = {Mallory, Eve},
  year = {2024},
  url = {javascript:alert(1)},
}
"""


def test_import_report_and_drafts(update_golden: bool) -> None:
    kb = toy_kb()
    report = import_bib(kb, SAMPLE, "peft", DAY, source="sample.bib")
    assert [(c.key, c.id) for c in report.created] == [
        ("vaswani2017attention", "attention-is-all-you-need"),
        ("devlin-etal-2019-bert", "bert"),
        ("schmidhuber2015deep", "deep-learning-in-neural-networks"),
        ("evil", "evil"),
    ]
    assert [(s.key, s.line, s.reason, s.record) for s in report.skipped] == [
        ("hu2021lora", 2, "same arXiv id 2106.09685 as papers/lora.yaml", "lora"),
        ("vaswani2017attention", 18, "duplicate citation key 'vaswani2017attention' (first at line 9)", None),
        ("vaswani2023attentionisallyouneed", 23, "same paper as entry 'vaswani2017attention' earlier in this file", None),
        ("qlora-again", 54, "same title as papers/qlora.yaml", "qlora"),
    ]
    assert [(u.line, u.message.split(":")[0]) for u in report.unparseable] == [
        (33, "not valid BibTeX"),
        (60, "entry 'notitle' has no title; a record needs one"),
    ]
    drafts = "\n".join(f"--- {c.path}\n{c.text}" for c in report.created)
    golden(GOLDEN / "import-drafts.txt", drafts, update_golden)


def test_drafts_parse_and_only_the_todo_fields_fail_the_check(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kb = toy_kb()
    report = import_bib(kb, SAMPLE, "peft", DAY)
    for created in report.created:
        doc = parse(created.text)
        assert not doc.problems, doc.problems
        assert doc.data["id"] == created.id and doc.data["topics"] == ["peft"]
        (toy / created.path).write_text(created.text, encoding="utf-8")
    assert cli.main(["--root", str(toy), "check"]) == 1
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("papers/")]
    fields = {line.split(": ")[1] for line in lines}
    assert fields == {"short_name", "arxiv", "tldr", "notes.motivation", "notes.method", "notes.results", "notes.limitations"}, lines
    # each TODO line says what to write there (scaffold.py), instead of the model's bare "must not be empty"
    assert all(": unfinished draft: " in line and line.endswith("then delete the `# TODO …` comment") for line in lines), lines


def test_filled_in_drafts_pass_the_check(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = import_bib(toy_kb(), SAMPLE, "peft", DAY)
    for created in report.created:
        text = created.text.replace('short_name: ""', 'short_name: "Draft"').replace('tldr: ""', "tldr: 一句话。")
        text = text.replace('arxiv: ""', f'url: "https://example.org/{created.id}"')
        for field in ("motivation", "method", "results", "limitations"):
            text = text.replace(f'{field}: ""', f"{field}: 已写。")
        text = re.sub(r"  # TODO.*", "", text)  # written, so the TODO markers go (scaffold.py refuses them)
        (toy / created.path).write_text(text, encoding="utf-8")
    code = cli.main(["--root", str(toy), "check"])
    assert code == 0, capsys.readouterr().out


def test_export_then_import_finds_every_record() -> None:
    kb = toy_kb()
    report = import_bib(kb, export_bibtex(kb, kb.papers), "peft", DAY)
    assert not report.created and not report.unparseable
    assert sorted(s.record or "" for s in report.skipped) == sorted(kb.paper_by_id)


def test_export_then_import_into_an_empty_kb_recovers_the_facts(toy: Path) -> None:
    """Round trip: our own export, imported where the papers are missing, gives back titles, authors, ids and venues."""
    kb = toy_kb()
    text = export_bibtex(kb, kb.papers)
    for path in (toy / "papers").iterdir():
        path.unlink()
    empty, problems = load_kb(toy)
    assert empty is not None, problems
    report = import_bib(empty, text, "peft", DAY)
    assert len(report.created) == len(kb.papers)
    for created in report.created:
        data = parse(created.text).data
        original = next(p for p in kb.papers if p.title == data["title"])
        assert data.get("authors") == original.authors
        assert data.get("arxiv") == original.arxiv
        assert data.get("url") == original.url
        assert data["year"] == original.year  # first-version year, from the arXiv id when there is one
        assert data.get("venue") == original.venue
        assert data["short_name"] in {original.short_name, ""}


def test_cli_import_writes_drafts_and_never_overwrites(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib = toy / "in.bib"
    bib.write_text(SAMPLE, encoding="utf-8")
    before = {p.name: p.read_bytes() for p in (toy / "papers").iterdir()}

    code = cli.main(["--root", str(toy), "import-bib", str(bib), "--topic", "peft", "--dry-run"])
    out = capsys.readouterr()
    assert code == 1  # some blocks were unreadable
    assert "would create papers/bert.yaml" in out.out
    assert {p.name: p.read_bytes() for p in (toy / "papers").iterdir()} == before  # a dry run writes nothing

    code = cli.main(["--root", str(toy), "import-bib", str(bib), "--topic", "peft"])
    out = capsys.readouterr()
    assert "created papers/bert.yaml from entry 'devlin-etal-2019-bert' (line 37)" in out.out
    assert "skipped entry 'hu2021lora' (line 2): same arXiv id 2106.09685 as papers/lora.yaml" in out.out
    assert "4 created, 4 skipped, 2 unreadable" in out.out
    assert f"{bib}:33: not valid BibTeX" in out.err
    for name, content in before.items():
        assert (toy / "papers" / name).read_bytes() == content, f"{name} was changed"

    # The drafts fail the check until written, so a second import refuses to run on the broken knowledge base ...
    assert cli.main(["--root", str(toy), "import-bib", str(bib), "--topic", "peft"]) == 1
    assert "fix them first" in capsys.readouterr().err
    # ... and once they are written, every entry is recognised and no file is touched.
    for path in (toy / "papers").iterdir():
        text = path.read_text(encoding="utf-8").replace('short_name: ""', 'short_name: "X"').replace('tldr: ""', "tldr: 一句话。")
        text = text.replace('arxiv: ""', f'url: "https://example.org/{path.stem}"')
        for field in ("motivation", "method", "results", "limitations"):
            text = text.replace(f'{field}: ""', f"{field}: 已写。")
        path.write_text(re.sub(r"  # TODO.*", "", text), encoding="utf-8")
    after = {p.name: p.read_bytes() for p in (toy / "papers").iterdir()}
    cli.main(["--root", str(toy), "import-bib", str(bib), "--topic", "peft"])
    out = capsys.readouterr()
    assert "0 created, 8 skipped, 2 unreadable" in out.out, out
    assert {p.name: p.read_bytes() for p in (toy / "papers").iterdir()} == after


def test_draft_ids_avoid_existing_files() -> None:
    report = import_bib(toy_kb(), SAMPLE, "peft", DAY, taken_ids={"bert", "bert-2"})
    assert "bert-3" in [c.id for c in report.created]


def test_cli_import_errors(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib = toy / "in.bib"
    bib.write_text(SAMPLE, encoding="utf-8")
    assert cli.main(["--root", str(toy), "import-bib", str(bib), "--topic", "no-such-topic"]) == 1
    assert "paperkb: error: unknown topic 'no-such-topic'" in capsys.readouterr().err
    assert cli.main(["--root", str(toy), "import-bib", str(toy / "missing.bib"), "--topic", "peft"]) == 1
    assert "paperkb: error: cannot read" in capsys.readouterr().err
    bib.write_bytes(b"@misc{x, title = {caf\xe9}}")
    assert cli.main(["--root", str(toy), "import-bib", str(bib), "--topic", "peft"]) == 1
    err = capsys.readouterr().err
    assert "is not UTF-8" in err and "Traceback" not in err


def test_hostile_bib_files_do_not_crash() -> None:
    kb = toy_kb()
    for text in ["", "@", "@misc{", "}}}}", "@misc{x, title = {a}} @misc{x, title = {b}}", "@string{a = {b}} @preamble{x}",
                 "@misc{k, title = {" + "{" * 500 + "}" * 500 + "}}", "\x00\x01@misc{y, title={\x07}}"]:  # fmt: skip
        report = import_bib(kb, text, "peft", DAY)
        for created in report.created:
            assert not parse(created.text).problems


# Issue 14, finding 15: two patterns backtracked quadratically over a run of one character. `paperkb import-bib` accepts
# files up to 10 MB, where these took hours; each entry below took 10–29 s.
SLOW_ENTRIES = {
    "arxiv and 20,000 spaces": "@misc{a, title={T}, note={arxiv" + " " * 20_000 + "!}}",
    "arxiv preprint and 20,000 spaces": "@misc{a, title={T}, journal={arXiv preprint" + " " * 20_000 + "!}}",
    "arxiv: arxiv: and 20,000 spaces": "@misc{a, title={T}, howpublished={arXiv: arXiv:" + " " * 20_000 + "x}}",
    "200,000 opening parentheses": "@inproceedings{b, title={T}, booktitle={" + "(" * 200_000 + "}, year={2020}}",
    "200,000 parentheses in a journal": "@article{c, title={T}, journal={" + "(a" * 100_000 + "}, year={2020}}",
}


@pytest.mark.parametrize("text", list(SLOW_ENTRIES.values()), ids=list(SLOW_ENTRIES))
def test_hostile_fields_import_in_linear_time(text: str) -> None:
    started = time.perf_counter()
    with stopped_after(10):
        report = import_bib(toy_kb(), text, "peft", DAY)
    elapsed = time.perf_counter() - started
    assert len(report.created) == 1 and elapsed < 1, f"{elapsed:.1f} s"


def test_arxiv_mentions_and_venue_names_are_read_as_before() -> None:
    kb = toy_kb()
    text = (
        "@misc{a, title={One}, note={arXiv preprint arXiv: 2401.00123v2}}\n"
        "@misc{b, title={Two}, journal={arXiv:hep-th/9901001}}\n"
        "@misc{c, title={Three}, howpublished={ArXiv math.GT/0309136}}\n"
        "@inproceedings{d, title={Four}, booktitle={Proceedings of the 34th Advances in (Conference on) Neural Information Processing"
        " Systems (NeurIPS 2020)}, year={2020}}\n"
    )
    drafts = {c.key: parse(c.text).data for c in import_bib(kb, text, "peft", DAY).created}
    assert drafts["a"]["arxiv"] == "2401.00123" and drafts["b"]["arxiv"] == "hep-th/9901001"
    assert drafts["c"]["arxiv"] == "math/0309136"
    assert drafts["d"]["venue"] == "NeurIPS 2020"
