"""Labelled rows: reading them, near-duplicates between training and test rows, splits.

The two labelled files of the shared data overlap: 483 of the 494 raw messages in
complaints-sample-raw.csv are also (segmented) in complaints-train-segmented.csv, with the
same label. Testing on them after training on the segmented file measures memory, not
classification. Every evaluation and every kept-back measurement therefore drops from the
training rows each near-duplicate of a test row (`drop_near_duplicates`), as the data
provider did for its own kept-back set, and reports how many it dropped.
"""

from __future__ import annotations

import csv
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from sklearn.model_selection import train_test_split

from minxin.nlp.preprocess import normalize

__all__ = [
    "LabelledRow",
    "can_stratify",
    "drop_near_duplicates",
    "looks_segmented",
    "near_duplicate_groups",
    "near_duplicates",
    "read_labelled_csv",
    "rows_from_records",
    "shared_data_dir",
    "split_rows",
]

_CJK_SPACE_CJK = re.compile(r"[\u4e00-\u9fff] (?=[\u4e00-\u9fff])")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class LabelledRow:
    text: str
    label: str
    source: str = ""
    segmented: bool = False


def shared_data_dir() -> Path | None:
    """The shared real-data directory: $MINXIN_SHARED_DATA or <repo>/../shared/data."""
    env = os.environ.get("MINXIN_SHARED_DATA")
    path = Path(env) if env else Path(__file__).resolve().parents[3] / "shared" / "data"
    return path if path.is_dir() else None


def looks_segmented(texts: Iterable[str]) -> bool:
    """True when the texts are pre-segmented (spaces between most Chinese words)."""
    spaces = chars = 0
    for text in texts:
        spaces += len(_CJK_SPACE_CJK.findall(text))
        chars += len(_CJK.findall(text))
    return chars > 0 and spaces / chars > 0.15


def _message(title: str, body: str) -> str:
    return f"{title}\n{body}" if title else body


def read_labelled_csv(path: str | os.PathLike[str]) -> list[LabelledRow]:
    """Rows of a CSV with columns `text`, `category` (or `label`) and optionally `title`.

    The message is ``title + "\\n" + text``. Whether the file is pre-segmented is
    detected from its content and recorded on every row.
    """
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = {f.strip().lower(): f for f in (reader.fieldnames or [])}
        text_col, title_col = fields.get("text"), fields.get("title")
        label_col = fields.get("category") or fields.get("label")
        if not text_col or not label_col:
            raise ValueError(f"{path}: need columns 'text' and 'category' (have {sorted(fields)})")
        items = []
        for record in reader:
            label = (record.get(label_col) or "").strip()
            title = (record.get(title_col) or "").strip() if title_col else ""
            text = _message(title, record.get(text_col) or "")
            if label and text.strip():
                items.append((text, label))
    segmented = looks_segmented(t for t, _ in items[:500])
    return [LabelledRow(t, label, path.name, segmented) for t, label in items]


def rows_from_records(records: Iterable[Any]) -> list[LabelledRow]:
    """Accept LabelledRow, (text, label) pairs or dicts with text/title and category/label."""
    out = []
    for record in records:
        if isinstance(record, LabelledRow):
            out.append(record)
            continue
        if isinstance(record, dict):
            title = str(record.get("title") or "").strip()
            text = _message(title, str(record.get("text") or record.get("content") or ""))
            label = record.get("category", record.get("label"))
        else:
            text, label = record[0], record[1]
        if label is None or not str(label).strip() or not str(text).strip():
            continue
        out.append(LabelledRow(str(text), str(label).strip(), "rows", looks_segmented([str(text)])))
    return out


# -- near-duplicates -----------------------------------------------------------------
def _shingles(normalized: str, n: int = 4) -> set[str]:
    s = normalized.replace(" ", "")
    if len(s) < n:
        return {s} if s else set()
    return {s[i : i + n] for i in range(len(s) - n + 1)}


def near_duplicates(
    train_normalized: Sequence[str],
    test_normalized: Sequence[str],
    threshold: float = 0.5,
    common: int = 50,
) -> dict[int, set[int]]:
    """For each training row that near-duplicates some test row: the test rows it copies.

    Two texts are near-duplicates when at least `threshold` of the character 4-grams of
    the shorter one occur in the other (containment). Both sides must be normalised, so
    a raw message and its segmented version compare as the same text. 4-grams shared by
    more than `common` test rows (stock phrases) are ignored. On the shared data the
    raw-vs-segmented copies score 0.8-1.0 and unrelated messages below 0.3.
    """
    test_sets = [_shingles(t) for t in test_normalized]
    index: dict[str, list[int]] = defaultdict(list)
    for j, shingles in enumerate(test_sets):
        for s in shingles:
            index[s].append(j)
    found: dict[int, set[int]] = {}
    for i, text in enumerate(train_normalized):
        shingles = _shingles(text)
        hits: Counter[int] = Counter()
        for s in shingles:
            rows = index.get(s)
            if rows and len(rows) <= common:
                hits.update(rows)
        for j, shared in hits.items():
            if shared >= threshold * max(1, min(len(shingles), len(test_sets[j]))):
                found.setdefault(i, set()).add(j)
    return found


def drop_near_duplicates(
    train_rows: Sequence[LabelledRow],
    test_rows: Sequence[LabelledRow],
    max_chars: int | None = None,
) -> tuple[list[LabelledRow], int]:
    """The training rows that copy no test row (texts compared after `normalize`), and how
    many were dropped."""
    dupes = near_duplicates(
        [normalize(r.text, max_chars) for r in train_rows],
        [normalize(r.text, max_chars) for r in test_rows],
    )
    return [r for i, r in enumerate(train_rows) if i not in dupes], len(dupes)


def near_duplicate_groups(normalized: Sequence[str]) -> np.ndarray:
    """A group number per text: near-duplicates (and their near-duplicates) share one."""
    edges = [(i, j) for i, js in near_duplicates(normalized, normalized).items() for j in js]
    rows, cols = zip(*edges, strict=True) if edges else ((), ())
    graph = sp.coo_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(normalized), len(normalized))
    )
    return connected_components(graph, directed=False)[1]


# -- splits ---------------------------------------------------------------------------
def can_stratify(labels: Sequence[str], n_test: int) -> bool:
    """Whether a stratified split with `n_test` test rows exists: every label has two rows
    and the test share can hold one of each."""
    counts = Counter(labels)
    return bool(counts) and min(counts.values()) >= 2 and n_test >= len(counts)


def split_rows(
    rows: Sequence[LabelledRow],
    n_test: int,
    seed: int,
    *,
    pool: Sequence[int] | None = None,
    stratify: bool = True,
) -> tuple[list[LabelledRow], list[LabelledRow]]:
    """(train, test), each in the rows' order: `n_test` test rows drawn from the rows at the
    positions in `pool` (default: all), stratified by label unless told otherwise; every
    other row trains."""
    pool = list(range(len(rows))) if pool is None else list(pool)
    labels = [rows[i].label for i in pool] if stratify else None
    _, test_pos = train_test_split(
        np.arange(len(pool)), test_size=n_test, stratify=labels, random_state=seed
    )
    chosen = {pool[p] for p in test_pos}
    return (
        [r for i, r in enumerate(rows) if i not in chosen],
        [r for i, r in enumerate(rows) if i in chosen],
    )
