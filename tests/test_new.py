"""`paperkb new`: every pasted form, recorded arXiv answers, offline, duplicates, rate limiting. Never the network."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from paperkb import arxivapi, cli, cli_contrib, newpaper, yamlload
from paperkb.repository import load_files

ARXIV = FIXTURES / "arxiv"
TODAY = dt.date.today().isoformat()


class FakeClock:
    """A monotonic clock that only moves when something sleeps (or the test advances it)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Recorded:
    """An opener that answers from recorded files (or raises), and remembers what it was asked."""

    def __init__(self, answer: bytes | BaseException) -> None:
        self.answer = answer
        self.requests: list[tuple[str, float, str | None]] = []

    def __call__(self, request: urllib.request.Request, timeout: float) -> Any:
        self.requests.append((request.full_url, timeout, request.get_header("User-agent")))
        if isinstance(self.answer, BaseException):
            raise self.answer
        return io.BytesIO(self.answer)


def use(monkeypatch: pytest.MonkeyPatch, answer: bytes | BaseException) -> tuple[Recorded, FakeClock]:
    opener, clock = Recorded(answer), FakeClock()
    monkeypatch.setattr(cli_contrib, "CLIENT", arxivapi.ArxivClient(opener, arxivapi.RateLimiter(clock=clock, sleep=clock.sleep)))
    return opener, clock


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts with a client that fails loudly if it is used without a recorded answer."""

    def refuse(request: urllib.request.Request, timeout: float) -> Any:
        raise AssertionError(f"a test tried the network: {request.full_url}")

    monkeypatch.setattr(cli_contrib, "CLIENT", arxivapi.ArxivClient(refuse, arxivapi.RateLimiter(sleep=lambda s: None)))
    yield


def run(kb: Path, *argv: str) -> int:
    return cli.main(["--root", str(kb), "new", *argv])


def check_fields(kb: Path, rel: str) -> set[str]:
    """The fields `paperkb check` complains about in one file."""
    _, problems = load_files(kb)
    return {p.field for p in problems if p.path == rel and p.severity == "error"}


# ---- what people paste -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pasted", "bare"),
    [
        ("2310.11511", "2310.11511"),
        ("2310.11511v2", "2310.11511"),
        ("  2310.11511v12\n", "2310.11511"),
        ("arXiv:2310.11511", "2310.11511"),
        ("arxiv:2310.11511v1", "2310.11511"),
        ("arxiv.org/abs/2310.11511", "2310.11511"),
        ("https://arxiv.org/abs/2310.11511v3", "2310.11511"),
        ("http://www.arxiv.org/abs/2310.11511", "2310.11511"),
        ("https://arxiv.org/pdf/2310.11511", "2310.11511"),
        ("https://arxiv.org/pdf/2310.11511v1.pdf", "2310.11511"),
        ("https://arxiv.org/html/2310.11511v2", "2310.11511"),
        ("https://export.arxiv.org/abs/2310.11511", "2310.11511"),
        ("https://arxiv.org/abs/2310.11511?context=cs.CL", "2310.11511"),
        ("https://arxiv.org/abs/2310.11511v2#S3", "2310.11511"),
        ("1706.03762", "1706.03762"),
        ("0704.0001", "0704.0001"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("hep-th/9901001v2", "hep-th/9901001"),
        ("arXiv:hep-th/9901001", "hep-th/9901001"),
        ("https://arxiv.org/abs/hep-th/9901001v1", "hep-th/9901001"),
        ("https://arxiv.org/pdf/math.GT/0309136v1", "math/0309136"),  # the subject class is not part of the id
        ("math.GT/0309136", "math/0309136"),
    ],
)
def test_every_pasted_form_gives_the_bare_id(pasted: str, bare: str) -> None:
    assert newpaper.parse_arxiv_input(pasted) == bare


@pytest.mark.parametrize(
    "pasted",
    [
        "",
        "lora",
        "2310.1151",
        "2313.11511",
        "https://example.org/abs/2310.11511",
        "10.48550/arXiv.2310.11511x",
        "2310.11511.pdf.exe",
        "２３１０.１１５１１",  # look-alike digits: ASCII only
        "𝟤𝟥𝟣𝟢.𝟣𝟣𝟧𝟣𝟣",
        "٢٣١٠.١١٥١١",
        "hep-th/99٠1001",
    ],
)
def test_what_is_not_an_arxiv_id_is_refused_with_the_accepted_forms(pasted: str) -> None:
    with pytest.raises(newpaper.NotAnArxivId, match=r"Accepted: 2310\.11511"):
        newpaper.parse_arxiv_input(pasted)


def test_the_cli_refuses_a_non_id_without_a_request(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(toy, "https://github.com/microsoft/LoRA") == 1
    assert "is not an arXiv id or link" in capsys.readouterr().err


@pytest.mark.parametrize(
    "pasted", ["2402.09353", "2402.09353v6", "arXiv:2402.09353", "arxiv.org/abs/2402.09353", "https://arxiv.org/pdf/2402.09353v1.pdf"]
)
def test_every_form_asks_the_api_for_the_bare_id(toy: Path, monkeypatch: pytest.MonkeyPatch, pasted: str) -> None:
    opener, _ = use(monkeypatch, (ARXIV / "dora.xml").read_bytes())
    assert run(toy, pasted, "--topic", "peft") == 0
    assert [url for url, _, _ in opener.requests] == ["https://export.arxiv.org/api/query?id_list=2402.09353"]
    assert (toy / "papers" / "dora.yaml").is_file()


# ---- a recorded answer -------------------------------------------------------------------------------------------


def test_recorded_answer_fills_the_facts_and_leaves_the_notes_to_the_contributor(
    toy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    opener, _ = use(monkeypatch, (ARXIV / "dora.xml").read_bytes())
    assert run(toy, "https://arxiv.org/abs/2402.09353v6", "--topic", "peft", "--topic", "quantization") == 0
    out = capsys.readouterr().out
    assert "created papers/dora.yaml: DoRA: Weight-Decomposed Low-Rank Adaptation (7 authors, first version 2024-02-14" in out
    assert "paperkb check papers/dora.yaml" in out
    _, timeout, agent = opener.requests[0]
    assert timeout == arxivapi.TIMEOUT and agent and agent.startswith("paperkb/")

    text = (toy / "papers" / "dora.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schema/paper.schema.json"
    assert "arXiv 主分类 primary category: cs.CL" in text
    for line in [
        "id: dora",
        'title: "DoRA: Weight-Decomposed Low-Rank Adaptation"',
        'short_name: "DoRA"',
        'arxiv: "2402.09353"',
        '  - "Shih-Yang Liu"',
        '  - "Min-Hung Chen"',
        "year: 2024",
        'published: "2024-02-14"  # 第一版 (v1) 的日期 / date of v1',
        "topics: [peft, quantization]",
        'tldr: ""',
        '  motivation: ""',
        '  method: ""',
        '  results: ""',
        f'added: "{TODAY}"',
    ]:
        assert line in text.splitlines(), line
    assert "# 动机：" in text and "# 方法：" in text and "# 结果：" in text
    # every fact is valid: the check fails on exactly what only a reader can write
    assert check_fields(toy, "papers/dora.yaml") == {"tldr", "notes.motivation", "notes.method", "notes.results", "notes.limitations"}


def test_year_and_date_are_the_first_versions_and_the_id_comes_from_the_first_words(toy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use(monkeypatch, (ARXIV / "transformer.xml").read_bytes())
    assert run(toy, "1706.03762v7", "--topic", "peft") == 0
    text = (toy / "papers" / "attention-is-all-you-need.yaml").read_text(encoding="utf-8")
    assert 'title: "Attention Is All You Need"' in text  # the API's line break collapsed
    assert "year: 2017" in text and 'published: "2017-06-12' in text  # <published> (v1), not <updated> (v7, 2023)
    assert '  - "Aidan N. Gomez"' in text and "Toronto" not in text  # names only, complete: all eight
    assert text.count('\n  - "') == 8
    assert 'short_name: ""  # TODO' in text  # no colon: a reader names it
    assert check_fields(toy, "papers/attention-is-all-you-need.yaml") == {
        "short_name",
        "tldr",
        "notes.motivation",
        "notes.method",
        "notes.results",
        "notes.limitations",
    }


def test_parse_atom_reads_the_documented_format() -> None:
    entry = newpaper.parse_atom((ARXIV / "dora.xml").read_bytes(), "2402.09353")
    assert entry == newpaper.ArxivEntry(
        "2402.09353",
        "DoRA: Weight-Decomposed Low-Rank Adaptation",
        ("Shih-Yang Liu", "Chien-Yi Wang", "Hongxu Yin", "Pavlo Molchanov", "Yu-Chiang Frank Wang", "Kwang-Ting Cheng", "Min-Hung Chen"),
        dt.date(2024, 2, 14),
        "cs.CL",
    )
    with pytest.raises(newpaper.ArxivNotFound):  # an answer about another paper is no answer
        newpaper.parse_atom((ARXIV / "dora.xml").read_bytes(), "2402.09354")
    with pytest.raises(newpaper.BadResponse):
        newpaper.parse_atom(b"<html>rate limited</html", "2402.09353")
    with pytest.raises(newpaper.BadResponse):
        newpaper.parse_atom(b"<html/>", "2402.09353")


@pytest.mark.parametrize(("fixture", "arxiv"), [("not-found.xml", "2402.99999"), ("error.xml", "2402.09353")])
def test_a_paper_arxiv_does_not_have_is_an_error_and_nothing_is_written(
    toy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fixture: str, arxiv: str
) -> None:
    use(monkeypatch, (ARXIV / fixture).read_bytes())
    before = sorted(p.name for p in (toy / "papers").iterdir())
    assert run(toy, arxiv, "--topic", "peft") == 1
    err = capsys.readouterr().err
    assert "paperkb: error: arXiv" in err and "nothing was written" in err
    assert sorted(p.name for p in (toy / "papers").iterdir()) == before


# ---- offline and failing -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failure", "said"),
    [
        (urllib.error.URLError(OSError(-3, "Temporary failure in name resolution")), "cannot reach export.arxiv.org"),
        (TimeoutError("timed out"), "did not answer within"),
        (urllib.error.HTTPError("https://export.arxiv.org/api/query", 503, "Service Unavailable", {}, None), "HTTP 503"),  # type: ignore[arg-type]
        (ConnectionResetError(104, "Connection reset by peer"), "connection to the arXiv API failed"),
    ],
)
def test_offline_or_failing_api_gives_a_clear_message_and_a_usable_scaffold(
    toy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], failure: BaseException, said: str
) -> None:
    use(monkeypatch, failure)
    assert run(toy, "arXiv:2402.09353v2", "--topic", "peft") == 0
    captured = capsys.readouterr()
    assert "paperkb: warning:" in captured.err and said in captured.err and "scaffold" in captured.err
    assert "https://arxiv.org/abs/2402.09353" in captured.err
    assert "Traceback" not in captured.err
    rel = "papers/arxiv-2402-09353.yaml"
    text = (toy / rel).read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/paper.schema.json\n")
    assert 'arxiv: "2402.09353"' in text and "year: 2024" in text and "# authors:" in text
    # a valid YAML record whose only problems are the TODO lines, the placeholder id and the notes to write
    assert check_fields(toy, rel) == {
        "id",
        "authors",
        "published",
        "title",
        "short_name",
        "tldr",
        "notes.motivation",
        "notes.method",
        "notes.results",
        "notes.limitations",
    }


def test_an_answer_that_is_not_atom_is_treated_like_being_offline(
    toy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use(monkeypatch, b"<!doctype html><p>Rate exceeded.")
    assert run(toy, "2402.09353", "--topic", "peft") == 0
    assert "could not read the arXiv API's answer" in capsys.readouterr().err
    assert (toy / "papers" / "arxiv-2402-09353.yaml").is_file()


def test_offline_flag_makes_no_request(toy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opener, _ = use(monkeypatch, (ARXIV / "dora.xml").read_bytes())
    assert run(toy, "hep-th/9901001v1", "--offline", "--topic", "peft") == 0
    assert opener.requests == []
    text = (toy / "papers" / "arxiv-hep-th-9901001.yaml").read_text(encoding="utf-8")
    assert 'arxiv: "hep-th/9901001"' in text and "year: 1999" in text


def test_an_oversized_answer_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    client = arxivapi.ArxivClient(Recorded(b"x" * (arxivapi.MAX_BYTES + 10)), arxivapi.RateLimiter(sleep=lambda s: None))
    with pytest.raises(arxivapi.FetchFailed, match="unexpectedly large"):
        client.query("2402.09353")


# ---- duplicates, names, topics -----------------------------------------------------------------------------------


@pytest.mark.parametrize("pasted", ["2106.09685", "https://arxiv.org/abs/2106.09685v2", "arXiv:2106.09685v1"])
def test_a_paper_already_in_the_knowledge_base_is_refused_naming_its_file(
    toy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], pasted: str
) -> None:
    opener, _ = use(monkeypatch, (ARXIV / "dora.xml").read_bytes())
    before = sorted(p.name for p in (toy / "papers").iterdir())
    assert run(toy, pasted, "--topic", "peft") == 1
    assert "arXiv 2106.09685 is already in the knowledge base as papers/lora.yaml" in capsys.readouterr().err
    assert opener.requests == []  # refused before asking arXiv
    assert sorted(p.name for p in (toy / "papers").iterdir()) == before


def test_a_duplicate_is_found_even_when_the_holder_is_broken_or_written_with_a_version(
    toy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lora = toy / "papers" / "lora.yaml"
    text = lora.read_text(encoding="utf-8").replace('arxiv: "2106.09685"', 'arxiv: "2106.09685v2"').replace("year: 2021", "year: soon")
    lora.write_text(text, encoding="utf-8")
    assert run(toy, "2106.09685", "--offline") == 1
    assert "papers/lora.yaml" in capsys.readouterr().err


def test_an_existing_file_is_never_overwritten(toy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    squatter = toy / "papers" / "dora.yaml"
    squatter.write_text("# someone else's draft\n", encoding="utf-8")
    use(monkeypatch, (ARXIV / "dora.xml").read_bytes())
    assert run(toy, "2402.09353", "--topic", "peft") == 0
    assert squatter.read_text(encoding="utf-8") == "# someone else's draft\n"
    assert "id: dora-2" in (toy / "papers" / "dora-2.yaml").read_text(encoding="utf-8")


def test_chosen_id_is_used_and_checked(toy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    use(monkeypatch, (ARXIV / "dora.xml").read_bytes())
    assert run(toy, "2402.09353", "--offline", "--id", "qlora") == 1
    assert "is taken by papers/qlora.yaml" in capsys.readouterr().err
    assert run(toy, "2402.09353", "--offline", "--id", "Bad Id") == 1
    assert run(toy, "2402.09353", "--offline", "--id", "con") == 1  # a device name on Windows
    assert "device name on Windows" in capsys.readouterr().err
    assert not (toy / "papers" / "con.yaml").exists()
    assert run(toy, "2402.09353", "--offline", "--id", "dora", "--topic", "peft") == 0
    assert "id: dora\n" in (toy / "papers" / "dora.yaml").read_text(encoding="utf-8")


def test_unknown_topic_is_refused_with_a_suggestion(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(toy, "2402.09353", "--offline", "--topic", "pfet") == 1
    assert "unknown topic 'pfet' (did you mean 'peft'?)" in capsys.readouterr().err
    assert not (toy / "papers" / "arxiv-2402-09353.yaml").exists()


def test_without_a_topic_the_draft_says_to_add_one(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(toy, "2402.09353", "--offline") == 0
    assert "add at least one topic" in capsys.readouterr().out
    assert "topics" in check_fields(toy, "papers/arxiv-2402-09353.yaml")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Self-RAG: Learning to Retrieve, Generate, and Critique", "self-rag"),
        ("Attention Is All You Need", "attention-is-all-you-need"),
        ("LLM.int8(): 8-bit Matrix Multiplication", "llm-int8"),
        ("Łukasz's Über-Model: a study", "lukaszs-uber-model"),
        ("A very long descriptive title without any colon at all", "a-very-long-descriptive-title"),
        ("数学：中文标题", "arxiv-2402-09353"),
        ("CON: Console Models", "con-2"),  # reserved ids are skipped like taken ones
        ("Index: a title", "index-2"),
    ],
)
def test_record_ids(title: str, expected: str) -> None:
    entry = newpaper.ArxivEntry("2402.09353", title, ("A B",), dt.date(2024, 2, 14), None)
    assert newpaper.record_id(entry, "2402.09353", taken=[]) == expected


# ---- one request every three seconds -----------------------------------------------------------------------------


def test_rate_limiter_spaces_requests_three_seconds_apart() -> None:
    clock = FakeClock()
    limiter = arxivapi.RateLimiter(clock=clock, sleep=clock.sleep)
    limiter.wait()
    assert clock.sleeps == []  # the first request goes at once
    limiter.wait()
    assert clock.sleeps == [3.0]  # a second one right after waits the full interval
    clock.now += 1.0
    limiter.wait()
    assert clock.sleeps == [3.0, 2.0]  # one second later: waits the rest
    clock.now += 10.0
    limiter.wait()
    assert clock.sleeps == [3.0, 2.0]  # long after: no wait


def test_client_requests_go_through_the_limiter(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    times: list[float] = []
    recorded = Recorded((ARXIV / "dora.xml").read_bytes())

    def opener(request: urllib.request.Request, timeout: float) -> Any:
        times.append(clock.now)
        return recorded(request, timeout)

    client = arxivapi.ArxivClient(opener, arxivapi.RateLimiter(clock=clock, sleep=clock.sleep))
    for _ in range(3):
        client.entry("2402.09353")
    assert [b - a for a, b in itertools.pairwise(times)] == [3.0, 3.0]


def test_old_style_ids_are_put_in_the_query_as_they_are() -> None:
    assert arxivapi.ArxivClient().url("hep-th/9901001") == "https://export.arxiv.org/api/query?id_list=hep-th/9901001"


# ---- a hostile answer cannot change the draft's shape (issue 14, finding 10) -------------------------------------


def _answer(title: str, authors: list[str], term: str) -> bytes:
    """dora.xml with these values, XML-escaped by ElementTree as a real server's answer would be."""
    atom, ns = "{http://www.w3.org/2005/Atom}", {"arxiv": "http://arxiv.org/schemas/atom"}
    ET.register_namespace("", atom[1:-1])
    ET.register_namespace("arxiv", ns["arxiv"])
    feed = ET.fromstring((ARXIV / "dora.xml").read_bytes())
    entry = feed.find(f"{atom}entry")
    assert entry is not None
    entry.find(f"{atom}title").text = title  # type: ignore[union-attr]
    for old in entry.findall(f"{atom}author"):
        entry.remove(old)
    for name in authors:
        ET.SubElement(ET.SubElement(entry, f"{atom}author"), f"{atom}name").text = name
    entry.find("arxiv:primary_category", ns).set("term", term)  # type: ignore[union-attr]
    return ET.tostring(feed, encoding="utf-8")


def _draft(answer: bytes) -> tuple[newpaper.ArxivEntry, str]:
    entry = newpaper.parse_atom(answer, "2402.09353")
    return entry, newpaper.draft_text(entry, "2402.09353", "dora", ["peft"], dt.date(2026, 11, 24))


REFERENCE_KEYS = list(yamlload.load(_draft((ARXIV / "dora.xml").read_bytes())[1].encode()).data)


def test_a_newline_in_the_category_term_adds_no_yaml_line() -> None:
    """The issue's answer: term="cs.CL&#10;code: evil/backdoor&#10;#" wrote `code: evil/backdoor` as a live line."""
    entry, text = _draft(_answer("DoRA", ["Ann Example"], "cs.CL\ncode: evil/backdoor\n#"))
    data = yamlload.load(text.encode()).data
    assert list(data) == REFERENCE_KEYS and "code" not in data
    assert entry.primary_category is None and "evil" not in text


@pytest.mark.parametrize("term", ["cs.CL", "hep-th", "math.GT", "q-bio.NC", "physics.comp-ph", "cond-mat.mes-hall", "stat.ML"])
def test_real_category_names_are_kept(term: str) -> None:
    entry, text = _draft(_answer("DoRA", ["Ann Example"], term))
    assert entry.primary_category == term and f"primary category: {term}。" in text


XML_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60).map(
    lambda s: "".join(ch for ch in s if ch in "\t\n\r" or (ord(ch) >= 0x20 and ord(ch) not in (0xFFFE, 0xFFFF)))
)
YAML_BITS = st.sampled_from(
    ["\n", "\r\n", "code: evil/x", "# ", '"', "'", "\\", "- ", ": ", "---", "...", "&a", "*a", "!!python", "{", "}"]
)
HOSTILE_TEXT = st.lists(st.one_of(XML_TEXT, YAML_BITS), min_size=1, max_size=6).map("".join)


@settings(derandomize=True, database=None, max_examples=150, deadline=None)
@given(title=HOSTILE_TEXT, authors=st.lists(HOSTILE_TEXT, max_size=3), term=HOSTILE_TEXT)
def test_any_answer_gives_a_draft_with_the_same_keys_and_the_values_as_sent(title: str, authors: list[str], term: str) -> None:
    try:
        entry, text = _draft(_answer(title, authors, term))
    except newpaper.ArxivNotFound:  # a title of only spaces reads as "no such paper"
        assume(False)
        raise
    data = yamlload.load(text.encode()).data
    assert list(data) == REFERENCE_KEYS or list(data) == [k for k in REFERENCE_KEYS if k != "authors"]
    assert data["title"] == entry.title and data.get("authors", []) == list(entry.authors)


def test_what_the_api_says_reaches_the_terminal_escaped(
    toy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """XML 1.0 carries C1 controls (U+009B is a terminal's one-character escape sequence) and bidi overrides."""
    use(monkeypatch, _answer("DoRA: \u009b2J\u202eweight", ["Ann Example"], "cs.CL"))
    assert run(toy, "2402.09353", "--topic", "peft") == 0
    out = capsys.readouterr().out
    assert "created papers/dora.yaml: DoRA: \\x9b2J\\u202eweight" in out
    assert not {"\x9b", "\u202e"} & set(out)
