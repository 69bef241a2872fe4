"""Messages for nested records that mutation testing found unguarded in records.py (tests/mutation/README.md).

The registries nest models in lists (`venues[0].editions[0].volumes[0]`), and a paper nests its notes: an unknown key
must be matched against the keys of the model it sits in, and a missing key must be placed next to its neighbours in
that model, whatever the depth. Each test asserts the exact located message.
"""

from __future__ import annotations

import pytest

from paperkb import records

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
