"""Precision and recall of `minxin.publicinfo.redact` on hand-labelled replies.

    .venv/bin/python benchmarks/redaction_score.py \
        --data ../shared/data/messages-with-replies.csv [--labels benchmarks/redaction_labels.tsv] [--show]

The label file holds no text: the sampled row ids and, per span, its character offsets in the
row's `reply` and its kind. A predicted span is correct when it overlaps a labelled span of the
same kind; a labelled span is found when a predicted span of its kind overlaps it.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from minxin.publicinfo.redact import KINDS, Span, find  # noqa: E402

Gold = dict[str, list[tuple[int, int, str]]]


def read_labels(path: Path) -> tuple[list[str], Gold]:
    sample: list[str] = []
    gold: Gold = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# sample:"):
            sample = line.split(":", 1)[1].split()
        elif line and not line.startswith(("#", "id\t")):
            row, start, end, kind = line.split("\t")
            gold[row].append((int(start), int(end), kind))
    return sample, gold


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score(replies: dict[str, str], sample: list[str], gold: Gold, show: bool) -> dict:
    counts: dict[str, Counter] = {kind: Counter() for kind in KINDS}
    for row in sample:
        text = replies[row]
        predicted: list[Span] = find(text)
        labelled = gold.get(row, [])
        for span in predicted:
            hit = any(
                k == span.kind and overlaps((s, e), (span.start, span.end)) for s, e, k in labelled
            )
            counts[span.kind]["tp" if hit else "fp"] += 1
            if show and not hit:
                print(
                    f"FP {row} {span.kind} {span.text!r} …{text[max(0, span.start - 12) : span.end + 8]}…"
                )
        for s, e, kind in labelled:
            found = any(p.kind == kind and overlaps((s, e), (p.start, p.end)) for p in predicted)
            counts[kind]["found" if found else "missed"] += 1
            if show and not found:
                print(f"FN {row} {kind} {text[s:e]!r} …{text[max(0, s - 12) : e + 8]}…")
    return counts


def report(counts: dict[str, Counter]) -> None:
    print("| kind | labelled | predicted | precision | recall |")
    print("|---|---|---|---|---|")
    total: Counter = Counter()
    for kind in KINDS:
        c = counts[kind]
        total.update(c)
        print(_row(kind, c))
    print(_row("all", total))


def _row(kind: str, c: Counter) -> str:
    predicted, labelled = c["tp"] + c["fp"], c["found"] + c["missed"]
    precision = f"{c['tp'] / predicted:.3f}" if predicted else "–"
    recall = f"{c['found'] / labelled:.3f}" if labelled else "–"
    return f"| {kind} | {labelled} | {predicted} | {precision} | {recall} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument(
        "--labels", type=Path, default=Path(__file__).with_name("redaction_labels.tsv")
    )
    parser.add_argument("--show", action="store_true", help="print every miss and false alarm")
    args = parser.parse_args()
    csv.field_size_limit(1 << 30)
    with args.data.open(encoding="utf-8") as handle:
        replies = {row["id"]: row["reply"] for row in csv.DictReader(handle)}
    sample, gold = read_labels(args.labels)
    report(score(replies, sample, gold, args.show))


if __name__ == "__main__":
    main()
