"""The demo city: units, categories, who owns what, and the staff who work there.

Written for Minxin; it resembles a mid-sized Chinese city but is no real one.
"""

from __future__ import annotations

CENTRE = ("市民诉求受理中心", "centre")

# name, code, parent code. Who does what follows how a Chinese city divides the work
# (docs/city-setup.md, "The demo city"): the market regulator for lifts (特种设备), food and
# medicines, consumer disputes and prices; 城管 for street facilities, 占道 and 违建; 住建 for
# housing, 物业, gas and heating; 公安 for social-life noise, its traffic police for traffic.
BUREAUS = [
    ("市住房和城乡建设局", "zhujian", None),
    ("市人力资源和社会保障局", "renshe", None),
    ("市教育局", "jiaoyu", None),
    ("市商务局", "shangwu", None),
    ("市生态环境局", "huanbao", None),
    ("市卫生健康委员会", "weijian", None),
    ("市交通运输局", "jiaotong", None),
    ("市城市管理局", "chengguan", None),
    ("市市场监督管理局", "shichang", None),
    ("市文化和旅游局", "wenlv", None),
    ("市公安局", "gongan", None),
    ("市医疗保障局", "yibao", None),
    ("市水务局", "shuiwu", None),
]
# Other units: vertical agencies and public institutions that also answer requests.
OTHERS = [
    ("市公安局交通警察支队", "jiaojing", "gongan"),
    ("市住房公积金管理中心", "gongjijin", None),
    ("市邮政管理局", "youzheng", None),
]

DISTRICTS = [
    ("和平区", "heping", [("和平区南湖街道", "nanhu"), ("和平区太原街街道", "taiyuan")]),
    ("沈河区", "shenhe", [("沈河区五里河街道", "wulihe"), ("沈河区滨河街道", "binhe")]),
    ("皇姑区", "huanggu", [("皇姑区华山街道", "huashan")]),
    ("浑南区", "hunnan", [("浑南区桃仙街道", "taoxian")]),
]

# The first level is the public data's seven labels (the classifier's), each with the unit
# that takes a request only that much is known about. Second level: keywords, the owning
# unit, and whether each district also handles it within its borders (属地).
CATEGORIES: dict[str, tuple[str, dict[str, tuple[str, str, bool]]]] = {
    "城乡建设": (
        "zhujian",
        {
            "物业管理": ("物业 小区 业委会 物业费 维修基金 电梯", "zhujian", True),
            "房屋质量": ("漏水 裂缝 开发商 交房 质量 墙皮", "zhujian", False),
            "燃气供应": ("燃气 煤气 天然气 漏气 燃气费 燃气表", "zhujian", False),
            "供热采暖": ("供暖 暖气 供热 采暖费 室温", "zhujian", False),
            "供水排水": ("停水 供水 水压 自来水 水费 下水道 排水", "shuiwu", False),
            "市政设施": ("路灯 井盖 道路 破损 积水 人行道 护栏", "chengguan", True),
            "市容秩序": ("占道 占道经营 摊贩 乱摆 垃圾 广告牌 市容", "chengguan", True),
            "违章建筑": ("违建 搭建 私搭乱建 违章 加建", "chengguan", True),
            "住房公积金": ("公积金 提取 公积金贷款 缴存", "gongjijin", False),
        },
    ),
    "劳动和社会保障": (
        "renshe",
        {
            "工资拖欠": ("工资 拖欠 欠薪 农民工 讨薪", "renshe", False),
            "社会保险": ("社保 养老保险 缴费 退休 养老金", "renshe", False),
            "医疗保险": ("医保 报销 异地就医 医保卡 门诊统筹", "yibao", False),
            "就业创业": ("就业 招聘 培训 创业 补贴 失业", "renshe", False),
        },
    ),
    "教育文体": (
        "jiaoyu",
        {
            "入学招生": ("入学 学位 招生 划片 转学", "jiaoyu", False),
            "校外培训": ("培训机构 补课 退费 学费", "jiaoyu", False),
            "文体设施": ("体育馆 图书馆 健身 场馆 文化馆", "wenlv", False),
        },
    ),
    "商贸旅游": (
        "shichang",
        {
            "消费维权": ("退款 商家 消费 欺诈 预付卡 假货 售后", "shichang", False),
            "食品安全": ("食品 过期 变质 餐馆 后厨 食物中毒 无证经营", "shichang", False),
            "电梯安全": ("电梯 困人 停运 特种设备 维保 年检", "shichang", False),
            "价格收费": ("价格 收费 乱收费 涨价 明码标价", "shichang", False),
            "商贸流通": ("超市 商场 农贸市场 菜市场 商业网点 加油站", "shangwu", False),
            "旅游服务": ("景区 导游 门票 旅行社", "wenlv", False),
        },
    ),
    "环境保护": (
        "huanbao",
        {
            "噪声污染": ("施工 工地 夜间施工 工厂 噪声 噪音 机器", "huanbao", True),
            "社会生活噪声": ("广场舞 邻居 楼上 装修噪音 KTV 酒吧 喇叭 高音", "gongan", False),
            "大气污染": ("油烟 烟尘 异味 臭味 焚烧 尾气 废气 粉尘", "huanbao", False),
            "水污染": ("污水 排污 河道 黑臭", "huanbao", False),
        },
    ),
    "卫生计生": (
        "weijian",
        {
            "医疗服务": ("医院 医生 看病 挂号 医疗", "weijian", False),
            "公共卫生": ("疫苗 防疫 卫生 消毒", "weijian", False),
            "生育服务": ("生育 准生证 产假 计生", "weijian", False),
            "药品安全": ("药品 假药 药店 处方药 医疗器械", "shichang", False),
        },
    ),
    "交通运输": (
        "jiaotong",
        {
            "公交出行": ("公交 线路 站点 班次 地铁", "jiaotong", False),
            "出租网约车": ("出租车 网约车 拒载 绕路", "jiaotong", False),
            "道路交通": ("红绿灯 违停 拥堵 信号灯 违章停车 交警", "jiaojing", False),
            "快递物流": ("快递 快递员 丢件 驿站 物流 包裹", "youzheng", False),
        },
    ),
}

DEMO_PASSWORD = "minxin-demo-2026"
# Work mobiles of the staff on the demo's duty roster (emergency alerts by SMS).
DUTY_MOBILES = {"intake": "13900000001", "supervisor": "13900000002"}

STAFF = [
    # username, display name, role, unit code (None = dispatch centre / citywide)
    ("admin", "系统管理员", "admin", None),
    ("intake", "受理员 王敏", "intake", "centre"),
    ("reviewer", "审核员 李强", "reviewer", "centre"),
    ("callback", "回访员 赵丽", "callback", "centre"),
    ("supervisor", "督办员 孙伟", "supervisor", "centre"),
    ("leader", "市领导 周正", "leader", None),
    ("oversight", "监督员 吴代表", "oversight", None),
    ("zhujian", "住建局 陈工", "handler", "zhujian"),
    ("zhujian_head", "住建局 郑局长", "unit_head", "zhujian"),
    ("renshe", "人社局 刘科长", "handler", "renshe"),
    ("jiaoyu", "教育局 黄老师", "handler", "jiaoyu"),
    ("shangwu", "商务局 杨科员", "handler", "shangwu"),
    ("huanbao", "环保局 何科员", "handler", "huanbao"),
    ("weijian", "卫健委 林医生", "handler", "weijian"),
    ("jiaotong", "交通局 马科员", "handler", "jiaotong"),
    ("heping", "和平区 高主任", "handler", "heping"),
    ("heping_head", "和平区 罗区长", "unit_head", "heping"),
    ("nanhu", "南湖街道 谢主任", "handler", "nanhu"),
    ("shenhe", "沈河区 宋主任", "handler", "shenhe"),
]

# (type code, category path, title, content, address)
SAMPLES = [
    (
        "complaint",
        "商贸旅游/电梯安全",
        "小区电梯频繁故障无人维修",
        "我住的小区3号楼电梯本月已停运四次，物业只贴通知不维修，老人上下楼非常困难，请督促物业尽快修复。",
        "南湖街道文化路12号",
    ),
    (
        "complaint",
        "城乡建设/市政设施",
        "路口井盖缺失存在安全隐患",
        "十字路口东侧人行道上的井盖丢失一周了，只放了一个锥桶，晚上很容易有人掉下去。",
        "太原街与中华路交口",
    ),
    (
        "complaint",
        "环境保护/噪声污染",
        "工地夜间施工噪音扰民",
        "附近工地每天晚上十一点以后还在施工，混凝土车进出不断，居民无法休息，请相关部门查处。",
        "五里河街道青年大街",
    ),
    (
        "complaint",
        "劳动和社会保障/工资拖欠",
        "装修公司拖欠工人三个月工资",
        "我们十几名工人在某装修公司干活，老板已经拖欠三个月工资共计八万多元，多次讨要无果。",
        "华山街道",
    ),
    (
        "consultation",
        "劳动和社会保障/社会保险",
        "灵活就业人员如何缴纳养老保险",
        "我是个体户，想咨询灵活就业人员在哪里办理养老保险参保，每月缴费基数怎么选？",
        "",
    ),
    (
        "consultation",
        "教育文体/入学招生",
        "孩子小学入学需要准备哪些材料",
        "孩子明年上小学，户口和房产不在同一个区，请问入学登记需要准备哪些材料，什么时候报名？",
        "",
    ),
    (
        "suggestion",
        "交通运输/公交出行",
        "建议增加早高峰公交班次",
        "早上七点到八点之间，从浑南到市府的公交车非常拥挤，经常等两三趟才能上车，建议增加班次。",
        "桃仙街道",
    ),
    (
        "help",
        "卫生计生/医疗服务",
        "独居老人需要上门医疗服务",
        "我父亲八十多岁独居，行动不便，想了解社区医院能否提供上门看病和家庭医生签约服务。",
        "滨河街道",
    ),
    (
        "report",
        "城乡建设/市容秩序",
        "举报商户占道经营堵塞消防通道",
        "小区门口几家水果店长期把货架摆到消防通道上，救护车都进不来，请城管部门处理。",
        "太原街街道",
    ),
    (
        "complaint",
        "商贸旅游/消费维权",
        "健身房关门预付卡无法退费",
        "我在一家健身房办了年卡，三个月后门店突然关闭，老板联系不上，几百名会员无法退费。",
        "和平区三好街",
    ),
    (
        "complaint",
        "环境保护/大气污染",
        "餐馆油烟直排影响居民",
        "楼下新开的烧烤店没有安装油烟净化设备，油烟直接排到居民楼里，窗户都不敢开。",
        "沈河区北二路",
    ),
    (
        "complaint",
        "交通运输/出租网约车",
        "出租车司机拒载绕路",
        "昨晚在火车站打车，司机先是拒载，后来上车又故意绕路，多收了二十多元。",
        "沈阳站",
    ),
    (
        "suggestion",
        "教育文体/文体设施",
        "建议学校操场节假日向居民开放",
        "周边居民缺少健身场地，建议学校在节假日和寒暑假有序开放操场。",
        "皇姑区",
    ),
    (
        "help",
        "城乡建设/房屋质量",
        "老旧小区屋顶漏水急需维修",
        "我家住顶楼，下雨屋顶就漏水，墙皮脱落，物业说维修基金申请很难，希望得到帮助。",
        "南湖街道",
    ),
    (
        "consultation",
        "卫生计生/生育服务",
        "生育津贴如何申领",
        "我今年十月生育，请问生育津贴在哪里申请，需要单位提供哪些材料？",
        "",
    ),
    (
        "complaint",
        "交通运输/道路交通",
        "小区周边违停严重造成拥堵",
        "学校放学时段周边道路两侧停满车辆，双向只能通过一辆车，交通经常堵死。",
        "华山街道",
    ),
]

SAMPLES += [
    (
        "complaint",
        "商贸旅游/食品安全",
        "外卖餐馆后厨卫生脏乱",
        "在一家外卖店点的盒饭里吃出了虫子，去店里看后厨又脏又乱，也没有看到健康证，请监管部门检查。",
        "沈河区小南街",
    ),
    (
        "complaint",
        "环境保护/社会生活噪声",
        "广场舞音响深夜扰民",
        "小区广场每天晚上跳广场舞到十点以后，音响开得很大，孩子没法写作业，老人也睡不着。",
        "皇姑区华山路",
    ),
    (
        "complaint",
        "环境保护/大气污染",
        "渣土车尾气黑烟严重",
        "每天早上一批渣土车从小区门口经过，排气管冒黑烟，尾气味道很呛，窗户都不敢开。",
        "浑南区桃仙大街",
    ),
]

# Submitted in the last hours, after the walked requests, so the demo shows the risk signals:
# danger words (gas, a threat of self-harm) and a group request (five residents, one matter,
# one district, within hours). (type code, category path, title, content, district code,
# address)
RECENT = [
    (
        "help",
        "城乡建设/燃气供应",
        "楼道里煤气味很重，担心燃气泄漏",
        (
            "我们单元楼道从昨晚开始有很浓的煤气味，敲了几家门都说不是自己家的，担心燃气泄漏发生爆炸，"
            "请尽快派人来检查。"
        ),
        "heping",
        "和平区文化路8号2单元",
    ),
    (
        "complaint",
        "劳动和社会保障/工资拖欠",
        "被拖欠半年工资，实在活不下去了",
        (
            "我在工地干了半年一分钱没拿到，孩子生病没钱治，老板一直躲着不见。我实在不想活了，"
            "再不给钱我就从工地楼顶跳下去。"
        ),
        "shenhe",
        "沈河区北站路工地",
    ),
    *[
        ("complaint", "城乡建设/供水排水", title, content, "huanggu", "皇姑区长江街明珠小区")
        for title, content in [
            (
                "明珠小区停水三天没人管",
                "明珠小区从周一开始停水，已经三天了，没有任何通知，老人孩子连做饭的水都没有。",
            ),
            (
                "小区停水三天，物业说不知道原因",
                "明珠小区停水三天了，物业说不知道什么原因，也不知道什么时候来水，居民生活没法过。",
            ),
            (
                "明珠小区连续停水，请尽快恢复供水",
                "长江街明珠小区连续三天停水，没有任何通知，家家户户都在到处借水，请尽快恢复供水。",
            ),
            (
                "停水三天了，明珠小区居民生活困难",
                "明珠小区已经停水三天，居民生活非常困难，打了好几次电话都没人处理。",
            ),
            (
                "明珠小区停水无通知",
                "明珠小区这周一开始停水，三天了没有通知也没有送水车，请有关部门尽快处理。",
            ),
        ]
    ],
]

DEMO_NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴倩"]
