"""Messages for nested records that mutation testing found unguarded in records.py (tests/mutation/README.md).

The registries nest models in lists (`venues[0].editions[0].volumes[0]`), and a paper nests its notes: an unknown key
must be matched against the keys of the model it sits in, and a missing key must be placed next to its neighbours in
that model, whatever the depth. Each test asserts the exact located message.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, get_args

import pytest
from pydantic import BaseModel, Field, ValidationError

from paperkb import identifiers, models, records, yamlload
from paperkb.models import Strict

VENUE = "venues:\n  - name: X\n    full: X Conf\n    kind: conference\n    editions:\n      - year: 2020\n"
VOLUME = VENUE + "        volumes:\n          - anthology: 2020.x-1\n"
LORA_TITLE = '`title: "LoRA: Low-Rank Adaptation of Large Language Models"`'


def messages(kind: records.Kind, text: str, field: str = "") -> list[str]:
    _, found = records.parse_file("f.yaml", kind, text.encode())
    return [p.as_text() for p in found if p.field.startswith(field)]


@pytest.mark.parametrize(
    ("kind", "text", "field", "expected"),
    [
        (
            "venues",
            VENUE + "        colour: red\n",
            "venues",
            "f.yaml:7:9: venues[0].editions[0].colour: unknown key; allowed keys: address, publisher, series, title, volume, volumes, year",
        ),
        (
            "venues",
            VOLUME + "            title: T\n            tilte: U\n",
            "venues",
            "f.yaml:10:13: venues[0].editions[0].volumes[0].tilte: unknown key; did you mean `title`? allowed keys: anthology, title",
        ),
        (
            "paper",
            "notes:\n  motivation: a\n  metod: b\n",
            "notes.metod",
            "f.yaml:3:3: notes.metod: unknown key; did you mean `method`? allowed keys: limitations, method, motivation, results",
        ),
    ],
)
def test_an_unknown_key_at_any_depth_is_matched_against_the_keys_of_its_own_model(
    kind: records.Kind, text: str, field: str, expected: str
) -> None:
    assert messages(kind, text, field) == [expected]


def test_a_missing_key_without_an_example_is_named_after_its_neighbour_at_depth_five() -> None:
    assert messages("venues", VOLUME) == [
        "f.yaml:8:13: venues[0].editions[0].volumes[0].title: is required: add `title:` after `anthology` — text (≤ 300 chars)"
    ]


def test_a_missing_note_goes_after_the_note_before_it_else_before_the_note_after_it_else_into_the_empty_mapping() -> None:
    method = '`method: "冻结预训练权重 $W_0$，为增量学习低秩分解 $BA$……"`'
    motivation = '`motivation: "全量微调要为每个任务存一份完整的模型副本……"`'
    results = '`results: "GSM8K 准确率 56.8 → 74.4，对比同规模的标准提示……"`'
    assert messages("paper", "notes:\n  motivation: a\n  results: c\n", "notes") == [
        f"f.yaml:2:3: notes.method: is required: add {method} after `motivation` — text (≤ 8000 chars)"
    ]
    assert messages("paper", "notes:\n  method: b\n  results: c\n", "notes") == [
        f"f.yaml:2:3: notes.motivation: is required: add {motivation} before `method` — text (≤ 8000 chars)"
    ]
    assert messages("paper", "notes: {}\n", "notes") == [
        f"f.yaml:1:8: notes.motivation: is required: add {motivation} — text (≤ 8000 chars)",
        f"f.yaml:1:8: notes.method: is required: add {method} — text (≤ 8000 chars)",
        f"f.yaml:1:8: notes.results: is required: add {results} — text (≤ 8000 chars)",
    ]


def test_the_example_of_a_missing_field_is_written_as_yaml_for_text_lists_mappings_and_lists_of_mappings() -> None:
    """Text in double quotes with Chinese kept readable, a list in brackets, a mapping and a registry's list of
    mappings as blocks with their keys named."""
    assert messages("paper", "notes:\n  motivation: a\n", "title") == [
        f"f.yaml:1:1: title: is required: add {LORA_TITLE} before `notes` — text (≤ 300 chars)"
    ]
    assert messages("paper", 'title: "T"\n', "topics") == [
        "f.yaml:1:1: topics: is required: add `topics: [peft]` after `title` — list of id; at least 1"
    ]
    assert messages("paper", 'title: "T"\n', "notes") == [
        "f.yaml:1:1: notes: is required: add `notes:` with `motivation:`, `method:` and `results:` indented below it after "
        "`title` — mapping"
    ]
    assert messages("tags", "x: 1\n", "tags") == [
        "f.yaml:1:1: tags: is required: add `tags:` with one `- id: …` item per entry, each with `name:` and `name_en:` "
        "indented below it — list of mapping"
    ]
    assert messages("tags", "tags:\n  - id: ab\n    name_en: A\n") == [
        'f.yaml:2:5: tags[0].name: is required: add `name: "人类反馈强化学习"` after `id` — text (≤ 300 chars)'
    ]
    assert messages("paper", 'title: "T"\n', "year") == [
        "f.yaml:1:1: year: is required: add `year: 2021` after `title` — integer 1950–2100"
    ]


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("paper", "added: 2026\n", "f.yaml:1:8: added: must be a date written YYYY-MM-DD, e.g. '2023-10-17'"),  # not text
        ("paper", "notes: [a]\n", "f.yaml:1:8: notes: must be a mapping of keys to values"),
        ("paper", 'title: ""\n', "f.yaml:1:8: title: must not be empty"),
        ("paper", 'title_zh: ""\n', "f.yaml:1:11: title_zh: must not be empty; write it, or delete the line (it is optional)"),
        ("paper", "related: [Bad_Id]\n", "f.yaml:1:11: related[0]: must be an id of lower-case letters, digits and hyphens"),
        ("paper", "topics: []\n", "f.yaml:1:9: topics: must list at least 1 item, e.g. `topics: [peft]`"),
        # an item of a list of text: no model owns it, so no "optional" advice
        (
            "venues",
            VENUE.replace("    editions:\n      - year: 2020\n", '    aliases: [""]\n'),
            "f.yaml:5:15: venues[0].aliases[0]: must not be empty",
        ),
        # a list field without an example
        ("glossary", "terms:\n  - id: ab\n    zh: []\n    en: [x]\n", "f.yaml:3:9: terms[0].zh: must list at least 1 item"),
    ],
)
def test_each_kind_of_value_error_gets_its_own_message(kind: records.Kind, text: str, expected: str) -> None:
    field = expected.split(": ", 2)[1]
    assert messages(kind, text, field) == [expected]


def test_a_list_that_needs_two_items_says_two_items_and_a_list_example_is_written_in_brackets() -> None:
    """No model needs two items today; the rule is general, so it is held with a model made for the test."""

    class Pair(Strict):
        pair: list[str] = Field(min_length=2, examples=[["a", "b"]])

    with pytest.raises(ValidationError) as caught:
        Pair.model_validate({"pair": ["x"]})
    assert records._message(Pair, caught.value.errors()[0]) == "must list at least 2 items, e.g. `pair: [a, b]`"


def _patterns(annotation: Any) -> Iterator[str]:
    """Every regular expression a field's annotation constrains its text to, through Optional, lists and Annotated."""
    for meta in getattr(annotation, "__metadata__", ()):
        if getattr(meta, "pattern", None):
            yield meta.pattern
    for arg in get_args(annotation):
        yield from _patterns(arg)


def test_every_pattern_field_outside_the_hints_is_an_id_so_the_id_message_is_right_for_it() -> None:
    """records._message says "must be an id …" for any pattern field it has no hint for; a new pattern field that is
    not an id must get its own hint, or contributors would be told the wrong rule."""
    wrong = []
    for model in [m for m in vars(models).values() if isinstance(m, type) and issubclass(m, BaseModel)]:
        for name, info in model.model_fields.items():
            found = set(_patterns(info.annotation)) | {getattr(m, "pattern", None) for m in info.metadata} - {None}
            if found and name not in records._PATTERN_HINTS and found != {identifiers.SLUG}:
                wrong.append(f"{model.__name__}.{name}: {found}")
    assert wrong == []
    assert {"id", "code", "doi", "anthology", "arxiv_class", "pages", "volume"} <= set(records._PATTERN_HINTS)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("paper", "year: 2101\n", "f.yaml:1:7: year: is out of range: a year must be between 1950 and 2100"),
        ("paper", "year: 1900\n", "f.yaml:1:7: year: is out of range: a year must be between 1950 and 2100"),
        ("topic", "order: 10001\n", "f.yaml:1:8: order: input should be less than or equal to 10000"),
        ("topic", "order: -1\n", "f.yaml:1:8: order: input should be greater than or equal to 0"),
        (
            "venues",
            VENUE.replace("kind: conference", "kind: conferenc"),
            "f.yaml:4:11: venues[0].kind: must be one of: 'conference' or 'journal'",
        ),
    ],
)
def test_a_number_out_of_range_and_a_value_outside_a_fixed_set_name_the_bounds_and_the_choices(
    kind: records.Kind, text: str, expected: str
) -> None:
    field = expected.split(": ", 2)[1]
    assert messages(kind, text, field) == [expected]


def test_an_error_kind_without_its_own_wording_keeps_pydantics_message() -> None:
    err = {"type": "bool_type", "loc": ("flag",), "msg": "Input should be a valid boolean"}
    assert records._message(models.Paper, err) == "Input should be a valid boolean"


def test_a_file_that_could_not_be_parsed_locates_every_problem_at_its_first_character() -> None:
    assert records.RecordFile("papers/x.yaml", "paper", None, None).loc("notes", "method") == yamlload.Loc(1, 1)


def test_a_topic_draft_is_reported_as_unfinished_and_a_registry_comment_saying_todo_is_not() -> None:
    topic = "id: ab\nname: 名\nname_en: En\norder: 1 # TODO pick its place\nintro: |\n  介绍。\n"
    assert messages("topic", topic) == ["f.yaml:4:10: order: unfinished draft: fill in `order`, then delete the `# TODO …` comment"]
    assert messages("tags", "tags:\n  - id: ab # TODO\n    name: 名\n    name_en: En\n") == []


def test_each_kind_of_file_has_its_own_size_limit_and_a_refused_file_keeps_its_kind() -> None:
    """64 KB for a paper or topic, 256 KB for a registry; a registry of 75 KB is fine, a paper of that size is not."""
    tags = "tags: [" + ", ".join(["{id: ab, name: 名, name_en: En}"] * 2200) + "]\n"
    assert 64 * 1024 < len(tags.encode()) < 256 * 1024
    _, found = records.parse_file("f.yaml", "tags", tags.encode())
    assert found == []
    refused, found = records.parse_file("f.yaml", "paper", tags.encode())
    assert [p.as_text() for p in found] == [
        f"f.yaml:1:1: (file): file is {len(tags.encode()):,} bytes; records must be at most 65,536 bytes — shorten the notes"
    ]
    assert (refused.kind, refused.doc, refused.model) == ("paper", None, None)


def test_a_file_that_holds_a_list_is_located_where_the_list_starts() -> None:
    assert messages("paper", "\n- a\n") == ["f.yaml:2:1: (file): file holds a list; a record is a mapping such as `id: lora`"]


def test_names_in_a_message_are_listed_as_a_sentence() -> None:
    assert [records._listing(items) for items in (["a"], ["a", "b"], ["a", "b", "c"])] == ["a", "a and b", "a, b and c"]


def test_an_example_list_of_one_key_mappings_says_only_the_key() -> None:
    assert records._example("names", [{"name": "x"}]) == "`names:` with one `- name: …` item per entry"
    assert records._example("pair", {"a": 1, "b": 2}) == "`pair:` with `a:` and `b:` indented below it"
