from __future__ import annotations

import pytest
from sklearn.feature_extraction.text import CountVectorizer

from minxin.nlp.features import NgramCounts
from minxin.nlp.preprocess import normalize

DOCS = [
    normalize(t)
    for t in [
        "小区门口道路积水严重，下雨天居民出行困难",
        "学校乱收补课费，家长负担很重",
        "公司拖欠工资半年，农民工讨薪无门",
        "工厂排放废气，附近居民苦不堪言",
        "道路积水严重，公交站台被淹",
        "补课费乱收，教育局不管",
    ]
] + ["", "单"]


@pytest.mark.parametrize(
    ("kind", "ngrams", "min_df"),
    [
        ("char", (1, 3), 1),
        ("char", (1, 3), 2),
        ("char", (2, 3), 1),
        ("word", (1, 2), 1),
        ("word", (1, 2), 2),
        ("word", (1, 3), 1),
        ("word", (1, 1), 1),
    ],
)
def test_counts_equal_sklearn(kind, ngrams, min_df):
    ours = NgramCounts(kind, ngrams, min_df).fit(DOCS)
    if kind == "char":
        ref = CountVectorizer(analyzer="char", ngram_range=ngrams, min_df=min_df, lowercase=False)
    else:
        ref = CountVectorizer(
            token_pattern=r"\S+", ngram_range=ngrams, min_df=min_df, lowercase=False
        )
    ref.fit(DOCS)
    names, ref_names = ours.get_feature_names_out(), ref.get_feature_names_out()
    assert sorted(names) == sorted(ref_names)
    queries = DOCS + [normalize("积水道路严重影响工资发放")]
    a, b = ours.transform(queries), ref.transform(queries)
    for i in range(len(queries)):
        mine = {names[j]: v for j, v in zip(a[i].indices, a[i].data, strict=False)}
        theirs = {ref_names[j]: v for j, v in zip(b[i].indices, b[i].data, strict=False)}
        assert mine == theirs


def test_unknown_words_break_word_ngrams():
    counts = NgramCounts("word", (1, 2), 1).fit(["甲 乙 丙"])
    cols, _ = counts.doc_counts("甲 丁 乙 丙")
    names = counts.get_feature_names_out()
    assert sorted(names[cols]) == ["丙", "乙", "乙 丙", "甲"]
