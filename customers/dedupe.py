"""Matching keys for Chinese company names: the same company written the ways people write it.

"北京华为技术有限公司", "华为技术（北京）有限公司", "華為技術有限公司", "华为技术股份公司" are one
company to a seller; "华为技术" in 北京 and "华为电气" are not the same. The keys here are pure
functions (no database): the duplicate check, the import and the merge page build on them.

- `name_key(name)`: the trade name: traditional → simplified, full-width → half-width, lower case,
  without brackets, spaces and punctuation, without a leading or bracketed region and without the
  legal form (有限公司, 股份有限公司, 集团…).
- `name_region(name)`: the region the name carries (北京, 上海…), or "": two names with the same
  trade name in different cities are different companies.
- `name_score(a, b)`: 0–100, how alike two names are after normalising, region-aware.
- `phone_key`, `email_key`: digits / lower-cased address, for exact matches.
"""

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

from core.pinyin import syllables

# Longest first, so that 股份有限公司 is taken whole before 有限公司.
LEGAL_FORMS = tuple(sorted((
    "股份有限公司", "有限责任公司", "有限公司", "股份公司", "集团股份有限公司", "集团有限公司", "集团公司",
    "集团", "总公司", "公司", "有限合伙", "合伙企业", "普通合伙", "个人独资企业", "厂", "商行", "经营部",
    "co.,ltd.", "co., ltd.", "co.,ltd", "co ltd", "company limited", "limited", "ltd.", "ltd", "inc.", "inc",
    "corporation", "corp.", "corp", "group", "gmbh",
), key=len, reverse=True))

_LEGAL_SET = frozenset(LEGAL_FORMS)

# Provinces, autonomous regions, municipalities and the larger cities: the names that appear as a
# prefix ("北京华为") or in brackets ("华为（北京）") of a company name.
PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
    "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)
CITIES = (
    "石家庄", "唐山", "保定", "廊坊", "太原", "大同", "呼和浩特", "包头", "沈阳", "大连", "鞍山", "长春", "吉林",
    "哈尔滨", "大庆", "南京", "苏州", "无锡", "常州", "南通", "扬州", "徐州", "杭州", "宁波", "温州", "绍兴",
    "嘉兴", "金华", "台州", "合肥", "芜湖", "福州", "厦门", "泉州", "南昌", "赣州", "济南", "青岛", "烟台",
    "潍坊", "淄博", "临沂", "郑州", "洛阳", "武汉", "宜昌", "襄阳", "长沙", "株洲", "岳阳", "广州", "深圳",
    "珠海", "佛山", "东莞", "中山", "惠州", "汕头", "南宁", "柳州", "桂林", "海口", "三亚", "成都", "绵阳",
    "贵阳", "遵义", "昆明", "西安", "宝鸡", "兰州", "西宁", "银川", "乌鲁木齐", "拉萨", "昆山", "义乌",
    "连云港", "许昌", "盐城", "淮安", "宿迁", "镇江", "泰州", "湖州", "衢州", "舟山", "丽水", "蚌埠", "安庆",
    "阜阳", "漳州", "莆田", "九江", "上饶", "威海", "日照", "济宁", "泰安", "德州", "聊城", "滨州", "东营",
    "菏泽", "枣庄", "开封", "新乡", "南阳", "安阳", "焦作", "平顶山", "商丘", "周口", "信阳", "驻马店", "荆州",
    "黄石", "十堰", "孝感", "衡阳", "湘潭", "常德", "郴州", "江门", "湛江", "茂名", "肇庆", "清远", "揭阳",
    "潮州", "韶关", "梅州", "河源", "阳江", "汕尾", "云浮", "北海", "钦州", "宜宾", "泸州", "德阳", "南充",
    "乐山", "自贡", "攀枝花", "六盘水", "曲靖", "玉溪", "大理", "咸阳", "榆林", "延安", "渭南", "汉中", "天水",
    "酒泉", "克拉玛依", "喀什", "秦皇岛", "邯郸", "邢台", "沧州", "衡水", "承德", "张家口", "长治", "晋中",
    "运城", "临汾", "鄂尔多斯", "赤峰", "抚顺", "本溪", "丹东", "锦州", "营口", "盘锦", "四平", "通化",
    "齐齐哈尔", "牡丹江", "佳木斯", "绍兴", "马鞍山", "铜陵", "滁州", "宣城", "黄山",
)
REGION_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市", "区", "县")
REGIONS = tuple(sorted(set(PROVINCES) | set(CITIES), key=len, reverse=True))

_BRACKETS = re.compile(r"[(\[{（【〔［｛<《](.*?)[)\]}）】〕］｝>》]")
_NOISE = re.compile(r"[\s\-_.,，。、·•'\"“”‘’:：;；/\\|&＆+!！?？*#@~`^$%]+")
_DIGITS = re.compile(r"\D+")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _plain(text):
    """Simplified, half-width, lower-case text."""
    text = unicodedata.normalize("NFKC", text or "")
    return _t2s().convert(text).lower().strip()


def _strip_region_suffix(text, region):
    rest = text[len(region):]
    for suffix in REGION_SUFFIXES:
        if rest.startswith(suffix):
            return rest[len(suffix):]
    return rest


_REGION_SET = frozenset(REGIONS)
_REGION_LENGTHS = tuple(sorted({len(region) for region in REGIONS}, reverse=True))
_LEGAL_LENGTHS = tuple(sorted({len(form) for form in LEGAL_FORMS}, reverse=True))
_LEGAL_LAST = frozenset(form[-1] for form in LEGAL_FORMS)


def _region_in(text):
    """The longest region `text` starts with, or "" (a set look-up per region length: this runs
    for every name an import reads)."""
    for length in _REGION_LENGTHS:
        if text[:length] in _REGION_SET:
            return text[:length]
    return ""


def _split(name):
    """(trade name without legal form, region or "")."""
    return _forms(name)[0]


@lru_cache(maxsize=65536)
def _forms(name):
    """[(key, region)]: the best reading first, then the name with a leading region kept — for a
    trade name that starts with a place (青岛啤酒, 上海电气), whose region must not be cut off."""
    text = _plain(name)
    region = ""
    # A bracketed part is a region ("（北京）") or a former name / note: regions are kept apart,
    # anything else in brackets is dropped.
    for inner in _BRACKETS.findall(text):
        found = _region_in(inner.strip())
        if found and not region:
            region = found
    text = _BRACKETS.sub("", text)
    text = _NOISE.sub("", text)
    best = text
    found = _region_in(text)
    if found:
        stripped = _strip_region_suffix(text, found)
        # "北京" alone, or a region followed only by a legal form, is the name itself.
        if _strip_legal(stripped):
            region = region or found
            best = stripped
    key = _strip_legal(best) or best
    if best is text:  # no leading region cut off: one reading
        return [(key, region)]
    kept = _strip_legal(text) or text
    return [(key, region)] if kept == key else [(key, region), (kept, region)]


def _strip_legal(text):
    """The name without its legal form(s); "" when it is nothing but a legal form."""
    if text in _LEGAL_SET:
        return ""
    changed = True
    while changed and text:
        changed = False
        if text[-1] not in _LEGAL_LAST:  # most trade names, once their legal form is gone
            break
        # The longest legal form the text ends with (two forms of one length cannot both end it).
        for length in _LEGAL_LENGTHS:
            if len(text) > length and text[-length:] in _LEGAL_SET:
                text = text[:-length]
                changed = True
                break
    return text


def name_key(name):
    """The trade name: what stays of a company name once its region and legal form are gone."""
    return _split(name)[0]


def name_region(name):
    return _split(name)[1]


def name_score(a, b):
    """0–100: how likely two company names are the same company.

    Same trade name → 100, unless both names carry a region and the regions differ (the same trade
    name in another city is another company) → 60. Otherwise a fuzzy ratio of the trade names, so
    that a typo or a dropped character still scores high, while a different word in a short name
    does not."""
    return max(_score(key_a, region_a, key_b, region_b)
               for key_a, region_a in _forms(a) for key_b, region_b in _forms(b))


def _score(key_a, region_a, key_b, region_b):
    if not key_a or not key_b:
        return 0.0
    regions_differ = bool(region_a and region_b and region_a != region_b)
    if key_a == key_b:
        return 60.0 if regions_differ else 100.0
    if _pinyin(key_a) == _pinyin(key_b):
        # A character that sounds the same: the usual slip of a pinyin keyboard (记术 for 技术).
        return 60.0 if regions_differ else 95.0
    score = fuzz.ratio(key_a, key_b)
    shorter, longer = sorted((key_a, key_b), key=len)
    # A short form that keeps the trade name and drops the trade ("华为" for "华为技术"). Only a
    # prefix: "中国银行" is every character of "中国建设银行" in order, and another bank.
    if len(shorter) >= 2 and longer.startswith(shorter):
        score = max(score, 86.0 + 4.0 * len(shorter) / len(longer))
    if regions_differ:
        score = min(score, 60.0)
    return float(score)


@lru_cache(maxsize=65536)
def _pinyin(text):
    return "".join(syllables(text))


def pinyin_key(key):
    """The pinyin of a trade name (`name_key`): equal for a homophone typo (记术 / 技术)."""
    return _pinyin(key) if key else ""


def phone_key(phone):
    """Digits only, without a leading country code or trunk zero: "+86 010-8888 6666" → "1088886666"."""
    digits = _DIGITS.sub("", unicodedata.normalize("NFKC", phone or ""))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) > 11:
        digits = digits[2:]
    return digits.lstrip("0")


def email_key(email):
    return unicodedata.normalize("NFKC", email or "").strip().lower()


# Two names at or above this score are offered as duplicate candidates.
MATCH_THRESHOLD = 85.0
