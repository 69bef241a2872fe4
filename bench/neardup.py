"""Near-duplicate matching at scale (issue 16): time, work per record and recall, for growing collections.

    .venv/bin/python bench/neardup.py                  # N = 1,000, 10,000, 20,000, 40,000
    .venv/bin/python bench/neardup.py --sizes 500      # chosen sizes

bench/generate.py's titles come from a few dozen words around a unique short name, so almost every word is common and
blocks nothing: matching there is nearly free and says little. Here titles are drawn from the words of the real
collection's titles, with their real frequencies (a long tail of rare words, as real titles have), each after a unique
name and a colon, with first authors from a small pool and years 2017–2025. Eight real pairs of variant titles (v1 vs
current title, "of"/"for" swapped, subtitle dropped, renamed with the same first author: tests/test_neardup.py) are
planted at random places. For each N it prints the CPU time of `neardup.pairs` (best of three), how many candidate pairs
the blocks gave per record, how many planted pairs were found, and how many other pairs were reported.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
from test_neardup import SAME_PAPER  # noqa: E402

from paperkb import neardup  # noqa: E402


def real_words() -> list[str]:
    words: list[str] = []
    for path in sorted((ROOT / "papers").glob("*.yaml")):
        words += yaml.safe_load(path.read_text(encoding="utf-8"))["title"].replace(":", " ").split()
    return words


def collection(n: int, words: list[str], seed: int = 16) -> tuple[list[neardup.Item], set[tuple[str, str]]]:
    rng = random.Random(seed)
    family = ["Wang", "Li", "Zhang", "Liu", "Chen", "Smith", "Kim", "Garcia", "Singh", "Müller", "Rossi", "Tanaka"]
    items = [
        neardup.Item(
            f"papers/p{i}.yaml",
            f"Name{i}: " + " ".join(rng.choices(words, k=rng.randint(4, 12))),
            neardup.surnames([f"A {rng.choice(family)}", f"B {rng.choice(family)}"]),
            rng.randint(2017, 2025),
        )
        for i in range(n)
    ]
    planted = set()
    for k, (ta, aa, ya, tb, ab, yb, _) in enumerate(SAME_PAPER):
        a = neardup.Item(f"papers/plant-{k}-a.yaml", ta, neardup.surnames(aa), ya)
        b = neardup.Item(f"papers/plant-{k}-b.yaml", tb, neardup.surnames(ab), yb)
        i = rng.randrange(len(items) + 1)
        items.insert(i, a)
        items.insert(rng.randrange(i + 1, len(items) + 1), b)
        planted.add((a.where, b.where))
    return items, planted


def measure(n: int, words: list[str]) -> dict[str, float]:
    items, planted = collection(n, words)
    seconds, found = cpu(items)  # CPU time: the machine is shared, and wall time then says more about the others
    index = neardup.Index(items)
    candidates = sum(len(index.candidates(item, own=1)) - 1 for item in items) / 2
    named = {(items[i].where, items[j].where) for i, j, _ in found}
    return {
        "n": len(items),
        "seconds": seconds,
        "candidates_per_record": candidates / len(items),
        "planted_found": len(planted & named),
        "planted": len(planted),
        "other_pairs": len(named - planted),
    }


def generated(n: int) -> list[neardup.Item]:
    """bench/generate.py's records (the collection bench/run.py checks and builds), without writing them."""
    vocab = generate.Vocab(ROOT)
    plant = generate.planted_ids(n)
    out = []
    for i in range(n):
        record = generate.paper_record(i, n, vocab, plant=plant)
        authors = record["authors"] if isinstance(record["authors"], list) else []
        out.append(neardup.Item(f"papers/{record['id']}.yaml", str(record["title"]), neardup.surnames(authors), int(str(record["year"]))))
    return out


def cpu(items: list[neardup.Item]) -> tuple[float, list[tuple[int, int, str]]]:
    best, found = float("inf"), []
    for _ in range(3):
        started = time.process_time()
        found = neardup.pairs(items)
        best = min(best, time.process_time() - started)
    return best, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,20000,40000", help="comma-separated numbers of records")
    args = parser.parse_args()
    words = real_words()
    print(f"title words from the real collection: {len(words):,} ({len(set(words)):,} distinct)")
    print("| records | `neardup.pairs`, CPU (s) | candidate pairs per record | planted pairs found | other pairs reported |")
    print("|---:|---:|---:|---:|---:|")
    for n in (int(x) for x in args.sizes.split(",")):
        row = measure(n, words)
        print(
            f"| {row['n']:,} | {row['seconds']:.2f} | {row['candidates_per_record']:.1f} | "
            f"{row['planted_found']}/{row['planted']} | {row['other_pairs']} |"
        )
    print()
    print("bench/generate.py's collection (every title word common; the records bench/run.py checks):")
    print("| records | `neardup.pairs`, CPU (s) | pairs reported |")
    print("|---:|---:|---:|")
    for n in (int(x) for x in args.sizes.split(",")):
        seconds, found = cpu(generated(n))
        print(f"| {n:,} | {seconds:.2f} | {len(found)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
