"""Realistic Chinese CRM data, deterministic for a given seed.

Every generator takes a `random.Random` so that two runs with the same seed give the same
company names, people and credit codes (the demo command relies on that to be idempotent).
"""

import datetime
import functools
import random
from dataclasses import dataclass

from pypinyin import lazy_pinyin

from customers.models import DecisionRole, Level, Source
from customers.validators import CHARSET, credit_code_check_char
from demo.builders import manual_timestamps  # noqa: F401  (builders get it as context.gen.manual_timestamps)


@dataclass(frozen=True)
class Place:
    province: str
    city: str
    district: str
    division_code: str  # 行政区划代码 of the district (the 3rd–8th characters of a credit code)
    area_code: str  # 长途区号 of the city


class Industry:
    """The GB/T 4754-2017 codes (customers.Industry) the demo draws from: a section, or the division
    when the trade is one (software 65, telecoms 63, power 44, state organs 92, business services 72)."""

    MANUFACTURING = "C"
    IT = "65"
    TELECOM = "63"
    FINANCE = "J"
    ENERGY = "44"
    CONSTRUCTION = "E"
    TRANSPORT = "G"
    RETAIL = "F"
    HEALTHCARE = "Q"
    EDUCATION = "P"
    GOVERNMENT = "92"
    OTHER = "72"


# A small real table: province, city, district, administrative division code, telephone area code.
_PLACES = {
    ("北京市", "北京市", "010"): [("东城区", "110101"), ("西城区", "110102"), ("朝阳区", "110105"),
                                ("海淀区", "110108"), ("丰台区", "110106"), ("大兴区", "110115")],
    ("天津市", "天津市", "022"): [("和平区", "120101"), ("南开区", "120104"), ("河西区", "120103"),
                                ("滨海新区", "120116")],
    ("河北省", "石家庄市", "0311"): [("长安区", "130102"), ("桥西区", "130104"), ("裕华区", "130108")],
    ("山东省", "济南市", "0531"): [("历下区", "370102"), ("市中区", "370103"), ("槐荫区", "370104")],
    ("山东省", "青岛市", "0532"): [("市南区", "370202"), ("市北区", "370203"), ("黄岛区", "370211")],
    ("上海市", "上海市", "021"): [("黄浦区", "310101"), ("徐汇区", "310104"), ("长宁区", "310105"),
                                ("静安区", "310106"), ("浦东新区", "310115"), ("闵行区", "310112")],
    ("浙江省", "杭州市", "0571"): [("上城区", "330102"), ("拱墅区", "330105"), ("西湖区", "330106"),
                                ("滨江区", "330108"), ("余杭区", "330110")],
    ("浙江省", "宁波市", "0574"): [("海曙区", "330203"), ("江北区", "330205"), ("鄞州区", "330212")],
    ("江苏省", "南京市", "025"): [("玄武区", "320102"), ("秦淮区", "320104"), ("鼓楼区", "320106"),
                                ("江宁区", "320115")],
    ("江苏省", "苏州市", "0512"): [("虎丘区", "320505"), ("吴中区", "320506"), ("姑苏区", "320508")],
    ("广东省", "广州市", "020"): [("越秀区", "440104"), ("海珠区", "440105"), ("天河区", "440106"),
                                ("白云区", "440111"), ("番禺区", "440113")],
    ("广东省", "深圳市", "0755"): [("罗湖区", "440303"), ("福田区", "440304"), ("南山区", "440305"),
                                 ("宝安区", "440306"), ("龙岗区", "440307")],
    ("广东省", "东莞市", "0769"): [("东城街道", "441900")],
    ("福建省", "厦门市", "0592"): [("思明区", "350203"), ("湖里区", "350206")],
    ("湖北省", "武汉市", "027"): [("江汉区", "420103"), ("武昌区", "420106"), ("洪山区", "420111")],
    ("四川省", "成都市", "028"): [("锦江区", "510104"), ("武侯区", "510107"), ("成华区", "510108"),
                                ("青羊区", "510105")],
}

PLACES = [Place(province, city, district, code, area)
          for (province, city, area), districts in _PLACES.items() for district, code in districts]

# Sales regions (大区) and the cities their branches sell into.
REGION_CITIES = {
    "north": ["北京市", "天津市", "石家庄市", "济南市", "青岛市"],
    "east": ["上海市", "杭州市", "宁波市", "南京市", "苏州市"],
    "south": ["广州市", "深圳市", "东莞市", "厦门市", "武汉市", "成都市"],
}

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
    "阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
# The most common surnames weigh more, as in a real company.
_SURNAME_WEIGHTS = [12 if i < 5 else 6 if i < 20 else 2 for i in range(len(SURNAMES))]
# Given names as people really have them (a random pair of characters often reads oddly).
GIVEN_NAMES = (
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 霞 平 刚 鹏 华 飞 红 鑫 波 宁 琳 斌 浩 凯 健 俊 帆 "
    "建华 建国 志强 志明 秀英 桂英 秀兰 玉兰 海燕 晓东 晓明 晓燕 丽娟 丽华 俊杰 子涵 梓轩 浩然 宇轩 欣怡 "
    "诗涵 雨桐 思远 一鸣 嘉怡 佳琪 文博 天佑 振华 国强 春梅 红梅 立新 永刚 建军 国庆 建平 新民 丽萍 雪梅 "
    "婷婷 晨曦 博文 梦琪 佳怡 子墨 雨萱 浩宇 宏伟 鹏飞 志刚 文静 秀珍 凤英 海涛 金龙 晓峰 丽君 亚男 家豪 "
    "明轩 思琪 雅婷 志华 小龙 玉梅 淑华 德明 少华 伟东 卫东 春华 慧敏 晓丽 建明 海波 云飞 东升 文杰 美玲"
).split()
# 字号 (trade names): two characters, the heart of a Chinese company name.
TRADE_NAMES = (
    "华信 宏达 恒通 瑞丰 天成 鼎盛 金桥 联创 中科 博远 嘉禾 润泽 卓越 汇通 众诚 鸿运 东方 长城 新元 正泰 "
    "晨光 启明 盛世 广源 海纳 万达 安泰 腾飞 远航 同创 汉邦 立信 德仁 星河 锦程 致远 蓝海 聚力 融通 凯旋 "
    "永盛 华宇 天瑞 明珠 和信 九州 泰和 信达 宝丰 恒昌 伟业 兴邦 光大 云帆 智达 普华 昊天 合力 方圆 银河"
).split()

INDUSTRY_WORDS = {
    Industry.MANUFACTURING: ["机械制造", "精密制造", "机电设备", "汽车零部件", "新材料", "电子"],
    Industry.IT: ["科技", "信息技术", "软件", "网络科技", "数据科技", "智能科技"],
    Industry.TELECOM: ["通信技术", "通信设备", "通信工程", "网络通信"],
    Industry.FINANCE: ["投资", "融资租赁", "资产管理", "保险代理"],
    Industry.ENERGY: ["能源", "电力工程", "新能源", "燃气"],
    Industry.CONSTRUCTION: ["建设工程", "置业", "建筑设计", "建材"],
    Industry.TRANSPORT: ["物流", "运输", "供应链管理", "国际货运代理"],
    Industry.RETAIL: ["商贸", "贸易", "百货", "电子商务"],
    Industry.HEALTHCARE: ["医疗器械", "医药", "生物科技", "健康管理"],
    Industry.EDUCATION: ["教育科技", "职业培训", "文化传播"],
    Industry.OTHER: ["实业", "企业管理咨询", "文化发展"],
}
# Public bodies and institutions are named after their city and district, not a trade name.
PUBLIC_BODIES = {
    Industry.GOVERNMENT: ["政务服务管理局", "大数据中心", "交通运输局", "教育局", "住房和城乡建设局",
                         "市场监督管理局"],
    Industry.HEALTHCARE: ["人民医院", "中医医院", "妇幼保健院"],
    Industry.EDUCATION: ["第一中学", "实验小学", "职业技术学院"],
}
COMPANY_FORMS = ["有限公司"] * 7 + ["股份有限公司"] * 2 + ["集团有限公司"]

# Weights give a plausible mix rather than a uniform one.
INDUSTRY_WEIGHTS = {
    Industry.MANUFACTURING: 16, Industry.IT: 16, Industry.TELECOM: 6, Industry.FINANCE: 8, Industry.ENERGY: 6,
    Industry.CONSTRUCTION: 8, Industry.TRANSPORT: 7, Industry.RETAIL: 10, Industry.HEALTHCARE: 7,
    Industry.EDUCATION: 5, Industry.GOVERNMENT: 6, Industry.OTHER: 5,
}
LEVEL_WEIGHTS = {Level.POTENTIAL: 50, Level.PROSPECT: 30, Level.CUSTOMER: 20}
SOURCE_WEIGHTS = {
    Source.TELEMARKETING: 15, Source.REFERRAL: 20, Source.WEBSITE: 15, Source.ADVERTISING: 8,
    Source.TRADE_SHOW: 14, Source.PARTNER: 18, Source.OTHER: 5,
}

TAGS = ["重点客户", "老客户", "招标中", "政府采购", "战略合作", "年度框架", "待回访", "高潜力", "续约", "竞品客户",
        "信创", "集团客户"]

ROADS = ["建国路", "中山路", "人民路", "解放路", "科技园路", "长江路", "和平路", "新华路", "文化路", "学院路",
         "创业大道", "滨河路", "金融街", "世纪大道", "高新大道"]
MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                   "155", "156", "157", "158", "159", "176", "177", "180", "181", "186", "187", "188", "189",
                   "198", "199"]
CONTACT_ROLES = [
    ("总经理", "总经办", DecisionRole.DECISION_MAKER),
    ("副总经理", "总经办", DecisionRole.DECISION_MAKER),
    ("采购经理", "采购部", DecisionRole.GATEKEEPER),
    ("采购专员", "采购部", DecisionRole.GATEKEEPER),
    ("信息中心主任", "信息中心", DecisionRole.INFLUENCER),
    ("IT经理", "信息技术部", DecisionRole.TECHNICAL),
    ("网络工程师", "信息技术部", DecisionRole.TECHNICAL),
    ("财务总监", "财务部", DecisionRole.FINANCIAL),
    ("行政主管", "行政部", DecisionRole.USER),
    ("项目经理", "工程部", DecisionRole.USER),
]
MAIL_DOMAINS = ["163.com", "126.com", "qq.com", "sina.com", "foxmail.com"]


def weighted(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def person_name(rng):
    """(姓, 名): a common surname and a one- or two-character given name."""
    surname = rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]
    return surname, rng.choice(GIVEN_NAMES)


@functools.lru_cache(maxsize=100_000)
def pinyin(text):
    return "".join(lazy_pinyin(text))


def mobile(rng):
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def landline(rng, place):
    # Eight-digit local numbers, except in the few cities that still use seven (none in the table).
    return f"{place.area_code}-{rng.randint(2, 8)}{rng.randrange(10**7):07d}"


def place(rng, cities=None):
    candidates = [p for p in PLACES if p.city in cities] if cities else PLACES
    return rng.choice(candidates)


def address(rng, place):
    return f"{place.city}{place.district}{rng.choice(ROADS)}{rng.randint(1, 999)}号"


def _organisation_code(rng):
    """Eight characters and a GB 11714 check character: the 9th–17th characters of a credit code."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "".join(rng.choice("0123456789") if i < 2 else rng.choice(alphabet) for i in range(8))
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]  # A=10 … Z=35
    check = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(rng, place, public_body=False):
    """A valid unified social credit code (GB 32100): registering authority and kind, the district's
    division code, an organisation code, and the check character."""
    prefix = "11" if public_body else rng.choice(["91"] * 9 + ["92"])  # 机关 / 企业 (个体户 now and then)
    if public_body and rng.random() < 0.4:
        prefix = "12"  # 事业单位 (hospitals, schools)
    body = prefix + place.division_code + _organisation_code(rng)
    assert all(c in CHARSET for c in body)
    return body + credit_code_check_char(body)


def company(rng, place, industry=None):
    """(name, short name, industry, is public body) for a customer in `place`."""
    industry = industry or weighted(rng, INDUSTRY_WEIGHTS)
    bodies = PUBLIC_BODIES.get(industry)
    if bodies and (industry == Industry.GOVERNMENT or rng.random() < 0.35):
        city = place.city.removesuffix("市")
        body = rng.choice(bodies)
        name = f"{city}市{place.district}{body}" if industry == Industry.GOVERNMENT else f"{city}市{body}"
        return name, f"{city}{body}"[:50], industry, True
    trade = rng.choice(TRADE_NAMES)
    word = rng.choice(INDUSTRY_WORDS.get(industry, INDUSTRY_WORDS[Industry.OTHER]))
    city = place.city.removesuffix("市")
    region = rng.choice([city, city, f"{city}市", place.province.removesuffix("省").removesuffix("市")])
    form = rng.choice(COMPANY_FORMS)
    if rng.random() < 0.15:  # the region in brackets after the trade name: 华信（北京）科技有限公司
        name = f"{trade}（{city}）{word}{form}"
    else:
        name = f"{region}{trade}{word}{form}"
    return name, trade + word[:2], industry, False


def website(rng, trade_name):
    slug = pinyin(trade_name)[:12] or "corp"
    return f"https://www.{slug}{rng.choice(['', '-tech', 'group', 'cn'])}.{rng.choice(['com', 'com.cn', 'cn'])}"


def tags(rng, max_tags=2, share=0.4):
    if rng.random() > share:
        return []
    return rng.sample(TAGS, rng.randint(1, max_tags))


def contact(rng, place):
    """Field values for a contact at a customer in `place` (no customer set)."""
    surname, given = person_name(rng)
    title, department, decision_role = rng.choice(CONTACT_ROLES)
    phone_number = mobile(rng)
    latin = pinyin(surname + given)
    return {
        "name": surname + given,
        "title": title,
        "department": department,
        "mobile": phone_number,
        "phone": landline(rng, place) if rng.random() < 0.5 else "",
        "email": f"{latin}{rng.randint(1, 99) if rng.random() < 0.5 else ''}@{rng.choice(MAIL_DOMAINS)}",
        "wechat": phone_number if rng.random() < 0.5 else f"wxid_{latin}{rng.randint(100, 999)}",
        "decision_role": decision_role,
    }


def customer(rng, cities=None):
    """Field values for a customer (no owner or org unit) and its tags."""
    where = place(rng, cities)
    name, short_name, industry, public_body = company(rng, where)
    values = {
        "name": name,
        "short_name": short_name,
        "credit_code": credit_code(rng, where, public_body),
        "industry": industry,
        "province": where.province,
        "city": where.city,
        "district": where.district,
        "address": address(rng, where),
        "phone": landline(rng, where),
        "website": "" if public_body or rng.random() < 0.4 else website(rng, short_name[:2]),
        "level": weighted(rng, LEVEL_WEIGHTS),
        "source": weighted(rng, SOURCE_WEIGHTS),
    }
    return values, where


class UniqueCodes:
    """Credit codes drawn until unused: a clash is rare but would break the unique constraint."""

    def __init__(self, taken=()):
        self.taken = set(taken)

    def claim(self, code):
        if code in self.taken:
            return False
        self.taken.add(code)
        return True


def seeded(seed):
    return random.Random(seed)


def history(rng, now, max_age_days, mean_days_to_update):
    """(created, updated): created within `max_age_days`, last changed some days later, never in the
    future — and no two records share a time, as with real edits (ties would make sort order vague)."""
    created = now - datetime.timedelta(seconds=rng.uniform(3600, max_age_days * 86400))
    gap = datetime.timedelta(days=rng.expovariate(1 / mean_days_to_update))
    if created + gap >= now:
        gap = (now - created) * rng.random()
    return created, created + gap
