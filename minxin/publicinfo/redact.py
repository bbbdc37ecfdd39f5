"""Masking personal data in text that is about to be published (典型案例).

Rule-based, so a reviewer can predict it and the rules can be read (docs/public-services.md):

- `phone`: runs of digits and hyphens holding 7 or more digits (mobile, landline, extension,
  the data's masked "0731-0000-00000000"); not an amount ("…00.25元"), not a document number
  ("〔2014〕92号"), and not a public service number: a last group of 3 to 5 digits starting
  with 1 (12345, 0731-12315, 110) is the city's hotline, which readers need.
- `id_number`: 18-character resident ID numbers (date of birth checked) and 15-digit old ones.
- `plate`: vehicle plates (province character, letter, five or six letters and digits).
- `address`: what lies below street level: house numbers on a road (…路12号), buildings,
  entrances, floors and rooms (3栋2单元501室), village groups (…村3组). Districts, streets,
  towns, villages and residential compounds stay: they say where a problem is, not who.
- `name`: jieba's part-of-speech tag `nr` (person name) on a word of two to four characters
  that starts with a common surname, plus any such word right before a title or form of
  address (书记, 局长, 同志, 先生 ...) or after "联系人".

Each match becomes a fixed mark (【电话】, 姓 + 某 for a name) so a reader sees that something
was there. The reviewer reads the result before anything is published.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from typing import Any

KINDS = ("name", "phone", "id_number", "plate", "address")
KIND_LABELS = {
    "name": "姓名",
    "phone": "电话",
    "id_number": "身份证号",
    "plate": "车牌号",
    "address": "详细地址",
}
MARKS = {
    "phone": "【电话】",
    "id_number": "【身份证号】",
    "plate": "【车牌号】",
    "address": "【详细地址】",
}

_DIGITS = r"0-9０-９"
_PHONE = re.compile(
    rf"(?<![{_DIGITS}A-Za-z.\-])[{_DIGITS}](?:[{_DIGITS}]|[-－—–]+(?=[{_DIGITS}]))+(?![A-Za-z])"
)
_AFTER_AMOUNT = re.compile(r"\s*(?:[.．]\d|元|万|亿|平方|㎡|亩|米|公里|千|吨|户|人|个|年|%|％)")
_BEFORE_DOCNO = re.compile(
    r"(?:[〕】\]）)﹞]|备案号|编号|文号|案号|单号|代码|编码|证号|账号|帐号)[：:]?\s*$"
)
_DATE = re.compile(r"\d{4}[-－]\d{1,2}[-－]\d{1,2}")
_ID = re.compile(
    r"(?<![0-9A-Za-z])(?:\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
    r"|\d{6}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})(?![0-9A-Za-z])"
)
_PLATE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][·•・\s]?"
    r"[A-Z0-9]{5,6}(?![A-Za-z0-9])"
)
_NUM = r"(?:\d+|[一二三四五六七八九十百零两]+)"
# One or more house-level parts in a row: 12号 / 3栋2单元501室 / 5楼 / 8号院 ...
_HOUSE_PART = rf"{_NUM}(?:-{_NUM})?(?:号院|号楼|号|栋|幢|座|单元|楼|层|室|户)"
_ROOM = r"\d{3,4}(?![\d万元个人户亩米])"
_ADDRESS = re.compile(
    # after a road, a compound or a village: 湘江中路128号, 钻石新村20栋201, 社区C1栋
    rf"(?:(?<=[路街道巷弄里苑园庭府城院区村])|(?<=大道)|(?<=胡同))"
    rf"(?!{_NUM}号(?:线|文|令|通知|公告))[A-Za-z]?(?:{_HOUSE_PART})+(?:{_ROOM})?"
    # a building with its entrance, floor or room anywhere: 3栋2单元501室, 4栋1单元25层
    rf"|(?<![第〕】\]）)\d]){_NUM}(?:栋|幢)(?:{_HOUSE_PART}|{_ROOM})+"
    # a numbered room: 517室, 商铺-117室
    r"|(?<![\d第])\d{3,4}室"
)
_DOCNO_BEFORE = re.compile(r"[〔【\[（(]\s*\d{4}\s*[〕】\]）)]\s*$")

# Common surnames, without those that mostly begin ordinary words (区, 花, 海, 国, 平, 和 ...),
# where jieba's nr tag misfires more often than it finds a name.
SURNAMES_TEXT = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵钱严覃武戴莫孔"
    "汤温康施牛樊葛邢易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕季裴霍"
    "涂苗谷盛翁冉骆蓝游辛靳管柴蒙鲍华喻祁蒲滕屈饶牟艾尤穆司卓缪简项芦麦褚娄窦戚岑景党宫费卜冷晏席卫米"
    "柏宗瞿桂佟臧闵苟邬边卞姬师仇栾隋刁巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝匡鞠惠荆冀郁胥栗燕楚鄢劳谌奚"
    "皮粟冼蔺仝郜阚朴廉禹祖漆狄晋敬扈晁芮阙邸辜裘亓邰赫杭逯隆茹诸战慕危玉银亢嵇湛戎勾茅呼尉冶斯束檀衣"
    "昝智奉尧"
)
SURNAMES = frozenset(SURNAMES_TEXT)
TITLES = (
    "书记|副书记|局长|副局长|区长|副区长|市长|副市长|县长|镇长|乡长|村长|主任|副主任|处长|科长|所长"
    "|队长|站长|院长|校长|经理|同志|先生|女士|老师|部长|主席|委员|组长|会长|厂长|民警|警官|律师|医生"
)
_TITLE_AFTER = re.compile(rf"^(?:{TITLES})")
_CONTACT_BEFORE = re.compile(
    r"(?:联系人|负责人|经办人|承办人|姓名|网友|客户|户主|股东|法人代表系?|信访人|当事人)[：:\s]*$"
    r"|\d[）)]?[（(]$"  # a contact after a phone number: 0000-0000000（易强利）
)
_NAME_POS = frozenset({"nr", "nrfg", "nrt"})
# A word right before these names a place or a business (黎托街道, 柏柑公路, 宁永健康门诊部).
_PLACE_AFTER = re.compile(
    r"(?:街道|社区|公路|路|大道|村|镇|乡|小区|公园|公司|集团|门诊|医院|学校|中学|小学|幼儿园|项目"
    r"|花园|市场|大厦|广场|园|湾|桥|店|厂|超市|酒店|宾馆|物业|置业|地产|劳务|驾校|科技|环保|健康"
    r"|高速|高铁|铁路|国际|码头|组|坪|片区"
    r"|[〔\[（(﹝【]\d)"  # a document number: 楚价服[2014]93号
)
_PLACE_ENDINGS = frozenset("苑园区村镇乡街路院城府庭湾港桥湖山江河楼厦店局所站委办室组队")


_NAME_PATTERNS = re.compile(
    rf"[{SURNAMES_TEXT}][*＊][\u4e00-\u9fff]"  # half-masked: 王*林
    r"|(?<=\d[（(])[\u4e00-\u9fff]{2,3}(?=[）)])"  # the contact after a number: …0000（易强利）
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str
    text: str


def find(text: str) -> list[Span]:
    """Every personal-data span in TEXT, non-overlapping, in order."""
    spans = _regex_spans(text)
    spans += _name_spans(text, taken=spans)
    return _without_overlaps(spans)


def redact(text: str) -> str:
    """TEXT with every span from `find` replaced by its mark."""
    out, at = [], 0
    for span in find(text):
        out.append(text[at : span.start])
        out.append(mark(span))
        at = span.end
    out.append(text[at:])
    return "".join(out)


def mark(span: Span) -> str:
    if span.kind == "name":
        return span.text[0] + "某"
    return MARKS[span.kind]


def _regex_spans(text: str) -> list[Span]:
    spans = [Span(m.start(), m.end(), "id_number", m.group()) for m in _ID.finditer(text)]
    spans += [Span(m.start(), m.end(), "plate", m.group()) for m in _PLATE.finditer(text)]
    for m in _PHONE.finditer(text):
        if _is_phone(text, m):
            spans.append(Span(m.start(), m.end(), "phone", m.group()))
    for m in _ADDRESS.finditer(text):
        if not _DOCNO_BEFORE.search(text[max(0, m.start() - 10) : m.start()]):
            spans.append(Span(m.start(), m.end(), "address", m.group()))
    return spans


def _is_phone(text: str, match: re.Match[str]) -> bool:
    digits = re.sub(r"\D", "", match.group().translate(_FULL_DIGITS))
    if len(digits) < 7:
        return False
    if _AFTER_AMOUNT.match(text, match.end()) or _BEFORE_DOCNO.search(
        text[max(0, match.start() - 6) : match.start()]
    ):
        return False
    groups = [g for g in re.split(r"[-－—–\s]+", match.group()) if g]
    if _DATE.fullmatch(match.group()):
        return False
    if len(groups) == 2 and not groups[0].startswith("0") and max(map(len, groups)) <= 4:
        return False  # a range: 3000-4000
    last = groups[-1]
    return not (3 <= len(last) <= 5 and last.startswith("1"))  # the city's service hotlines


_FULL_DIGITS = {0xFF10 + i: ord("0") + i for i in range(10)}


def _name_spans(text: str, *, taken: list[Span]) -> list[Span]:
    spans: list[Span] = []
    words = _pos_cut(text)
    at = 0
    for i, (word, flag) in enumerate(words):
        start, at = at, at + len(word)
        if _surname_alone(words, i, flag):
            word, flag = word + words[i + 1][0], "nr"  # 卢|林芝: the name runs on
        if "某" in word or not 2 <= len(word) <= 4 or word[0] not in SURNAMES or not _all_cjk(word):
            continue
        if word[-1] in _PLACE_ENDINGS or (
            start and text[start - 1].isascii() and text[start - 1].isalnum()
        ):
            continue
        end = max(_given_name_end(text, words, i, at), start + len(word))
        if _PLACE_AFTER.match(text, end):
            continue
        titled = bool(_TITLE_AFTER.match(text, end)) or bool(
            _CONTACT_BEFORE.search(text[max(0, start - 6) : start])
        )
        # jieba's dictionary tags many ordinary words nr (谢谢, 许可, 杜绝); a name it does not
        # know, found by its HMM, is far more often a real one.
        if (flag in _NAME_POS and not _in_dictionary(word)) or (titled and end - start <= 3):
            spans.append(Span(start, end, "name", text[start:end]))
    spans += [Span(m.start(), m.end(), "name", m.group()) for m in _NAME_PATTERNS.finditer(text)]
    return [s for s in spans if not any(_overlap(s, t) for t in taken)]


def _surname_alone(words: list[tuple[str, str]], i: int, flag: str) -> bool:
    if flag != "nr" or words[i][0] not in SURNAMES or i + 1 >= len(words):
        return False
    nxt, nxt_flag = words[i + 1]
    return 1 <= len(nxt) <= 2 and _all_cjk(nxt) and nxt_flag.startswith("n")


def _in_dictionary(word: str) -> bool:
    import jieba

    return bool(jieba.dt.FREQ.get(word))


def _given_name_end(text: str, words: list[tuple[str, str]], i: int, end: int) -> int:
    """jieba often cuts a three-character name after its second character (邹军|建): a lone
    character that follows and ends the phrase, or comes before a title, belongs to it."""
    if end - len(words[i][0]) + 3 > len(text) or len(words[i][0]) != 2 or i + 1 >= len(words):
        return end
    nxt = words[i + 1][0]
    if len(nxt) == 1 and _all_cjk(nxt):
        rest = text[end + 1 : end + 2]
        if not rest or not _all_cjk(rest) or _TITLE_AFTER.match(text, end + 1):
            return end + 1
    return end


def _all_cjk(word: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in word)


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _without_overlaps(spans: list[Span]) -> list[Span]:
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


_lock = threading.Lock()
_tokenizer: Any = None


def _pos_cut(text: str) -> list[tuple[str, str]]:
    """jieba's part-of-speech segmentation (HMM on: it is what finds unknown names)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba
                import jieba.posseg

                jieba.setLogLevel(logging.WARNING)
                _tokenizer = jieba.posseg.dt  # shares the default dictionary
    return [(pair.word, pair.flag) for pair in _tokenizer.cut(text)]
