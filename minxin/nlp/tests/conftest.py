"""Fixtures for the NLP tests: a tiny synthetic corpus, the shared real data if present."""

from __future__ import annotations

import random

import pytest

from minxin.nlp.dataset import read_labelled_csv, shared_data_dir

# Hand-written phrases per category; the synthetic corpus combines them at random.
PHRASES = {
    "城乡建设": [
        "小区物业乱收费",
        "房屋漏水无人维修",
        "违章建筑占用绿地",
        "老旧小区改造进度慢",
        "电梯长期故障",
        "拆迁补偿不到位",
        "开发商延期交房",
        "路灯不亮",
    ],
    "劳动和社会保障": [
        "公司拖欠工资",
        "社保断缴无法补缴",
        "养老金待遇偏低",
        "农民工讨薪",
        "失业保险金领取",
        "劳动合同纠纷",
        "工伤认定困难",
        "医保报销比例",
    ],
    "教育文体": [
        "学校乱收补课费",
        "幼儿园入园难",
        "教师编制问题",
        "学区划分不合理",
        "体育场馆不开放",
        "中考招生政策",
        "培训机构退费",
        "校车安全隐患",
    ],
    "商贸旅游": [
        "商家虚假宣传",
        "景区门票涨价",
        "超市销售过期食品",
        "网购退货被拒",
        "旅行社强制购物",
        "预付卡商家跑路",
        "市场管理混乱",
        "酒店价格欺诈",
    ],
    "环境保护": [
        "工厂排放废气",
        "夜间施工噪音扰民",
        "河道污水横流",
        "垃圾焚烧异味",
        "养猪场污染水源",
        "餐馆油烟扰民",
        "粉尘污染严重",
        "非法倾倒废渣",
    ],
    "卫生计生": [
        "医院乱收费",
        "医生态度恶劣",
        "计划生育奖励未发放",
        "疫苗接种安排",
        "药店售卖假药",
        "二胎准生证办理",
        "诊所无证行医",
        "医疗事故鉴定",
    ],
    "交通运输": [
        "公交线路调整不便",
        "出租车拒载",
        "道路拥堵严重",
        "红绿灯设置不合理",
        "驾照考试乱收费",
        "高速公路收费",
        "货车超载",
        "公交站台缺少遮雨棚",
    ],
}
FILLERS = [
    "请相关部门尽快处理",
    "希望领导重视",
    "已经反映多次",
    "严重影响居民生活",
    "我们是A3区居民",
    "2019年5月以来",
    "恳请解决",
]


def synthetic_rows(n_per_class: int = 30, seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    rows = []
    for label, phrases in PHRASES.items():
        for _ in range(n_per_class):
            parts = rng.sample(phrases, 2) + rng.sample(FILLERS, 2)
            rng.shuffle(parts)
            rows.append(("，".join(parts) + "。", label))
    rng.shuffle(rows)
    return rows


@pytest.fixture(scope="session")
def synthetic():
    return synthetic_rows()


@pytest.fixture(scope="session")
def tiny_model(synthetic):
    from minxin.nlp.fitting import train
    from minxin.nlp.pipeline import ModelConfig

    texts, labels = zip(*synthetic, strict=False)
    return train(texts, labels, ModelConfig(word_min_df=1, char_min_df=1))


@pytest.fixture(scope="session")
def shared_data():
    path = shared_data_dir()
    if path is None or not (path / "complaints-train-segmented.csv").exists():
        pytest.skip("shared real data not found (set MINXIN_SHARED_DATA or use ../shared/data)")
    return path


@pytest.fixture(scope="session")
def real_rows(shared_data):
    return {
        "segmented": read_labelled_csv(shared_data / "complaints-train-segmented.csv"),
        "raw": read_labelled_csv(shared_data / "complaints-sample-raw.csv"),
    }
