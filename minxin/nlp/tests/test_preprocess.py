from __future__ import annotations

import numpy as np

from minxin.nlp import preprocess as pp
from minxin.nlp.dataset import near_duplicates


def test_clean_drops_place_codes_numbers_latin_and_punctuation():
    assert (
        pp.clean("A3区杜鹃文苑小区，2019年起ＡＰＰ无法缴费！_x000D_")
        == "区杜鹃文苑小区年起无法缴费"
    )
    assert pp.clean("") == ""
    assert pp.clean(None) == ""
    assert pp.clean("K12县 G4县") == "县县"


def test_raw_and_segmented_text_normalise_alike():
    raw = (
        "A市西湖建筑集团占道施工有安全隐患\n"
        "A3区大道西行便道，未管所路口至加油站路段，人行道包括路灯杆，被圈在施工围墙内。"
    )
    segmented = (
        "市 西湖 建筑 集团 占 道 施工 安全隐患 A3 区 大道 西行 便道 "
        "未管 所 路口 加油站 路段 人行道 包括 路灯 杆 圈 施工 围墙 内"
    )
    a, b = pp.normalize(raw).split(), pp.normalize(segmented).split()
    assert a == b
    assert "的" not in a
    assert "安全隐患" in a


def test_stopwords_file_is_clean():
    words = pp.stopwords()
    assert 200 < len(words) < 1000
    assert {"的", "了", "我们", "有关"} <= words
    assert not any(w.startswith("#") or " " in w for w in words)


def test_segment_matches_jieba_without_hmm():
    jieba = pp._get_jieba()
    samples = [
        "小区门口道路积水严重影响出行",
        "请求政府加强整顿乡镇区问题",
        "南门街干净整洁几天又老样子",
        "长株潭城际铁路开通后公交接驳不便",
        "鑫苑名家业主反映物业乱收费",
    ]
    for s in samples:
        cleaned = pp.clean(s)
        assert pp.segment(cleaned) == jieba.lcut(cleaned, HMM=False)


def test_segment_matches_jieba_on_real_messages(real_rows):
    jieba = pp._get_jieba()
    texts = [r.text for r in real_rows["raw"][:150]] + [
        r.text for r in real_rows["segmented"][:150]
    ]
    for text in texts:
        cleaned = pp.clean(text)
        assert pp.segment(cleaned) == jieba.lcut(cleaned, HMM=False)


def test_real_raw_messages_match_their_segmented_copies(real_rows):
    """The raw sample's messages also sit (segmented) in the training file: once normalised,
    the two versions must be nearly the same token set."""
    raw = real_rows["raw"][:120]
    seg = real_rows["segmented"]
    raw_n = [pp.normalize(r.text) for r in raw]
    seg_n = [pp.normalize(r.text) for r in seg]
    pairs = near_duplicates(seg_n, raw_n)
    best: dict[int, float] = {}
    for i, js in pairs.items():
        for j in js:
            a, b = set(seg_n[i].split()), set(raw_n[j].split())
            best[j] = max(best.get(j, 0.0), len(a & b) / len(a | b))
    assert len(best) >= 100  # most of the sample has a copy
    assert np.mean(list(best.values())) >= 0.95


def test_keywords():
    text = "A3区某小区门口道路积水严重，下雨天居民出行困难，希望有关部门尽快修复排水管道。"
    words = pp.keywords(text, 5)
    assert 0 < len(words) <= 5
    assert all(len(w) > 1 for w in words)
    assert not set(words) & pp.stopwords()
    assert "积水" in words or "排水管道" in words
    assert pp.keywords("", 5) == []
    assert pp.keywords("！！！123", 3) == []
