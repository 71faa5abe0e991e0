"""The demo company: org units, people and teams, as data.

Usernames and unit codes are stable; the demo command creates whatever of this is missing.
"""

from dataclasses import dataclass, field

from org.models import OrgUnit

K = OrgUnit.Kind

SELLERS_PER_SALES_DEPT = 6
ENGINEERS_PER_SERVICE_DEPT = 2

# Branch code, name, region, sales departments, the cities its customers are in.
BRANCHES = [
    ("BJ", "北京分公司", "NORTH", ["S1", "S2", "KA"], ["北京市"]),
    ("TJ", "天津分公司", "NORTH", ["S1"], ["天津市"]),
    ("SJZ", "石家庄分公司", "NORTH", ["S1"], ["石家庄市", "济南市", "青岛市"]),
    ("SH", "上海分公司", "EAST", ["S1", "S2", "KA"], ["上海市"]),
    ("HZ", "杭州分公司", "EAST", ["S1", "S2"], ["杭州市", "宁波市"]),
    ("NJ", "南京分公司", "EAST", ["S1"], ["南京市", "苏州市"]),
    ("GZ", "广州分公司", "SOUTH", ["S1", "S2", "KA"], ["广州市", "东莞市", "武汉市"]),
    ("SZ", "深圳分公司", "SOUTH", ["S1", "S2", "KA"], ["深圳市", "厦门市", "成都市"]),
]
REGIONS = [("NORTH", "北区", "north"), ("EAST", "东区", "east"), ("SOUTH", "南区", "south")]
SALES_DEPTS = {"S1": ("销售一部", "sales1"), "S2": ("销售二部", "sales2"), "KA": ("大客户部", "ka")}
HQ_DEPTS = [("HQ-GM", "总经办"), ("HQ-PM", "产品管理部"), ("HQ-IT", "信息技术部"), ("HQ-FIN", "财务部")]

PRODUCT_LINES = [
    ("PL-COMM", "通信系统", "程控交换、融合通信与调度系统。", "pl.comm"),
    ("PL-NET", "企业网络", "园区网络、数据中心网络与网络安全。", "pl.net"),
    ("PL-CLOUD", "云服务", "私有云、混合云与云上运维服务。", "pl.cloud"),
]


@dataclass
class Unit:
    code: str
    name: str
    kind: str
    parent: str | None
    manager: str | None = None


@dataclass
class Person:
    username: str
    unit: str
    title: str
    role: str
    manager: str | None = None
    dotted: list = field(default_factory=list)
    product_lines: list = field(default_factory=list)


@dataclass
class Company:
    units: list
    people: list
    sellers_by_branch: dict  # branch code → usernames that own customers there
    cities_by_branch: dict


def build_company():
    units = [Unit("HQ", "总部", K.COMPANY, None, "ceo")]
    people = [Person("ceo", "HQ", "总经理", "executive")]
    for code, name in HQ_DEPTS:
        units.append(Unit(code, name, K.DEPARTMENT, "HQ"))
    people += [
        Person("gm.assistant", "HQ-GM", "总经理助理", "viewer", manager="ceo"),
        Person("it.admin", "HQ-IT", "系统管理员", "sysadmin", manager="ceo"),
        Person("fin.manager", "HQ-FIN", "财务经理", "viewer", manager="ceo"),
        Person("fin.clerk", "HQ-FIN", "会计", "viewer", manager="fin.manager"),
    ]
    # Product-line directors see, through dotted lines, the accounts of the sellers of their line.
    for _code, name, _description, username in PRODUCT_LINES:
        people.append(Person(username, "HQ-PM", f"{name}产品线总监", "dept_manager", manager="ceo"))

    sellers_by_branch, cities_by_branch, seller_count = {}, {}, {}
    for region_code, region_name, prefix in REGIONS:
        region_manager = f"{prefix}.manager"
        units.append(Unit(region_code, region_name, K.REGION, "HQ", region_manager))
        people.append(Person(region_manager, region_code, f"{region_name}总经理", "region_manager", manager="ceo"))
        for branch_code, branch_name, region, depts, cities in BRANCHES:
            if region != region_code:
                continue
            city = branch_name.removesuffix("分公司")
            slug = branch_code.lower()
            branch_manager = f"{slug}.manager"
            units.append(Unit(branch_code, branch_name, K.BRANCH, region_code, branch_manager))
            people.append(Person(branch_manager, branch_code, "分公司总经理", "branch_manager",
                                 manager=region_manager))
            cities_by_branch[branch_code] = cities
            owners = sellers_by_branch.setdefault(branch_code, [])
            for dept in depts:
                dept_name, dept_slug = SALES_DEPTS[dept]
                head = f"{slug}.{dept_slug}.head"
                unit_code = f"{branch_code}-{dept}"
                units.append(Unit(unit_code, f"{city}{dept_name}", K.DEPARTMENT, branch_code, head))
                people.append(Person(head, unit_code, f"{dept_name}经理", "dept_manager", manager=branch_manager))
                owners.append(head)
                for _ in range(SELLERS_PER_SALES_DEPT):
                    seller_count[prefix] = seller_count.get(prefix, 0) + 1
                    username = f"{prefix}.seller{seller_count[prefix]}"
                    title = "大客户经理" if dept == "KA" else ("高级客户经理" if seller_count[prefix] % 4 == 0
                                                           else "客户经理")
                    people.append(Person(username, unit_code, title, "seller", manager=head))
                    owners.append(username)
            service = f"{branch_code}-SV"
            service_head = f"{slug}.service.head"
            units.append(Unit(service, f"{city}服务部", K.DEPARTMENT, branch_code, service_head))
            people.append(Person(service_head, service, "服务部经理", "viewer", manager=branch_manager))
            for n in range(1, ENGINEERS_PER_SERVICE_DEPT + 1):
                people.append(Person(f"{slug}.engineer{n}", service, "服务工程师" if n > 1 else "高级服务工程师",
                                     "viewer", manager=service_head))

    # Dotted lines: the key-account sellers work with a product-line director besides their head.
    by_name = {p.username: p for p in people}
    key_account_sellers = [p for p in people if p.role == "seller" and p.unit.endswith("-KA")]
    for index, seller in enumerate(key_account_sellers[:12]):
        _code, _name, _description, director = PRODUCT_LINES[index % len(PRODUCT_LINES)]
        seller.dotted.append(director)
        seller.product_lines.append(PRODUCT_LINES[index % len(PRODUCT_LINES)][0])
    by_name["north.seller1"].product_lines.append("PL-NET")
    return Company(units, people, sellers_by_branch, cities_by_branch)


# Cross-unit project teams (name, leader, members).
PROJECT_TEAMS = [
    ("国网信息化项目组", "bj.ka.head", ["north.seller1", "east.seller13", "south.seller1", "pl.net"]),
    ("粤港澳大湾区智慧城市项目组", "gz.ka.head", ["south.seller13", "south.seller25", "pl.cloud", "sz.engineer1"]),
]
