"""Labelled rows: records in several shapes, near-duplicates dropped and grouped, splits."""

from __future__ import annotations

from collections import Counter

from minxin.nlp.dataset import (
    LabelledRow,
    can_stratify,
    drop_near_duplicates,
    near_duplicate_groups,
    rows_from_records,
    split_rows,
)
from minxin.nlp.preprocess import normalize

COPY_A = "小区门口道路积水严重，下雨天居民出行非常困难，请尽快修缮排水管道"
COPY_B = "A3区小区门口道路积水严重！下雨天居民出行非常困难，请尽快修缮排水管道。"
OTHER = "公司拖欠工资半年，农民工讨薪无门，劳动监察部门不予理睬"


def test_records_of_every_shape_become_rows_and_unlabelled_ones_are_skipped():
    rows = rows_from_records(
        [
            LabelledRow("已是标注行", "甲"),
            ("文本", "乙"),
            {"title": "标题", "text": "正文", "category": "丙"},
            {"content": "正文", "label": " 丁 "},
            ("没有标签", ""),
            {"text": "   ", "category": "戊"},
        ]
    )
    assert [(r.text, r.label) for r in rows] == [
        ("已是标注行", "甲"),
        ("文本", "乙"),
        ("标题\n正文", "丙"),
        ("正文", "丁"),
    ]


def test_a_training_copy_of_a_test_row_is_dropped_and_counted():
    train = [LabelledRow(COPY_B, "城乡建设"), LabelledRow(OTHER, "劳动和社会保障")]
    kept, dropped = drop_near_duplicates(train, [LabelledRow(COPY_A, "城乡建设")])
    assert kept == [train[1]]
    assert dropped == 1


def test_near_duplicates_share_a_group_and_others_do_not():
    groups = near_duplicate_groups([normalize(t) for t in (COPY_A, OTHER, COPY_B, "")])
    assert groups[0] == groups[2]
    assert len({groups[0], groups[1], groups[3]}) == 3


def test_a_stratified_split_keeps_order_and_draws_test_rows_from_the_pool_only():
    rows = [LabelledRow(f"文本{i}", "甲乙"[i % 2], segmented=i >= 20) for i in range(40)]
    train, test = split_rows(rows, 10, seed=0, pool=range(20))
    assert len(test) == 10
    assert len(train) == 30
    assert all(not r.segmented for r in test)
    assert Counter(r.label for r in test) == {"甲": 5, "乙": 5}
    assert train == [r for r in rows if r not in test]
    assert test == [r for r in rows if r in test]
    assert split_rows(rows, 10, seed=0, pool=range(20)) == (train, test)


def test_stratifying_needs_two_rows_a_label_and_room_for_each():
    assert can_stratify(["甲", "甲", "乙", "乙"], 2)
    assert not can_stratify(["甲", "甲", "乙", "乙"], 1)
    assert not can_stratify(["甲", "甲", "乙"], 2)
    assert not can_stratify([], 1)
