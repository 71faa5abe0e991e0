"""Sales' part of `manage.py demo_data` (registered in SalesConfig.ready(), after the customers and
their account teams): the reference data every deal picks from — per product line a pipeline with
gated stages, products and a price list; lead sources, win/loss reasons, competitors — then leads
and opportunities across the org tree (sales/demo_deals.py).

Idempotent: reference rows are keyed by code or name, leads by (name, company), opportunities by
name; only what is missing is created. Random values are drawn for every row, created or not, so a
second run draws the same stream and changes nothing.

Later parts of the sales process (collisions, quotes, approvals) find what this builder made in
`ctx.shared["sales"]`: {"pipelines": {line code: Pipeline}, "competitors": [...], "opportunities":
[(pk, name, owner id, stage kind), …], "leads": [pk, …]} — register a builder with a higher order
(sales is 40) and add to these deals.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from org.models import ProductLine

from .models import (
    Competitor,
    ForecastCategory,
    LeadSource,
    Pipeline,
    PriceList,
    PriceListItem,
    Product,
    Stage,
    StageKind,
    WinLossReason,
)

GOODS, SERVICES = Decimal("13.00"), Decimal("6.00")  # VAT: equipment and software 13 %, services 6 %

# code, name, unit, list price, tax, (quantity range on a deal)
PRODUCTS = {
    "PL-COMM": [
        ("COM-PBX-100", "融合通信主机 IPX3000", "台", 168000, GOODS, (1, 2)),
        ("COM-PBX-200", "程控交换机扩展机框", "台", 52000, GOODS, (1, 4)),
        ("COM-GW-010", "语音网关（30路E1）", "台", 18500, GOODS, (1, 6)),
        ("COM-IPP-020", "IP话机（彩屏）", "部", 980, GOODS, (50, 600)),
        ("COM-IPP-030", "IP可视话机", "部", 2680, GOODS, (10, 120)),
        ("COM-DSP-100", "调度台（双屏）", "套", 36000, GOODS, (1, 8)),
        ("COM-DSP-200", "调度服务器软件", "套", 88000, GOODS, (1, 1)),
        ("COM-REC-050", "数字录音系统（60路）", "套", 42000, GOODS, (1, 2)),
        ("COM-VC-100", "视频会议终端", "台", 26800, GOODS, (2, 30)),
        ("COM-VC-200", "视频会议MCU", "台", 128000, GOODS, (1, 2)),
        ("COM-BCT-010", "应急广播系统", "套", 65000, GOODS, (1, 3)),
        ("COM-MOB-010", "移动办公客户端授权（100用户）", "套", 30000, GOODS, (1, 10)),
        ("COM-SVC-001", "通信系统实施服务", "人天", 2500, SERVICES, (10, 80)),
        ("COM-SVC-002", "通信系统年度维保", "年", 48000, SERVICES, (1, 3)),
    ],
    "PL-NET": [
        ("NET-CSW-9600", "核心交换机", "台", 285000, GOODS, (2, 4)),
        ("NET-ASW-5130", "汇聚交换机（48口万兆）", "台", 46000, GOODS, (2, 16)),
        ("NET-ESW-2048", "接入交换机（48口千兆PoE）", "台", 12800, GOODS, (10, 120)),
        ("NET-AP-650", "无线AP（Wi-Fi 6）", "台", 3200, GOODS, (20, 400)),
        ("NET-AC-100", "无线控制器", "台", 38000, GOODS, (1, 2)),
        ("NET-FW-3000", "下一代防火墙", "台", 98000, GOODS, (1, 4)),
        ("NET-WAF-100", "Web应用防火墙", "台", 120000, GOODS, (1, 2)),
        ("NET-RT-800", "企业路由器", "台", 56000, GOODS, (1, 6)),
        ("NET-SDW-010", "SD-WAN边缘网关", "台", 9800, GOODS, (5, 60)),
        ("NET-LB-200", "负载均衡", "台", 135000, GOODS, (1, 2)),
        ("NET-MON-001", "网络管理平台软件", "套", 68000, GOODS, (1, 1)),
        ("NET-SEC-001", "等保测评整改服务", "项", 150000, SERVICES, (1, 1)),
        ("NET-SVC-001", "网络集成实施服务", "人天", 2200, SERVICES, (10, 120)),
        ("NET-SVC-002", "网络设备原厂维保", "年", 36000, SERVICES, (1, 3)),
    ],
    "PL-CLOUD": [
        ("CLD-HCI-400", "超融合一体机（4节点）", "套", 460000, GOODS, (1, 3)),
        ("CLD-SRV-2288", "机架服务器（双路）", "台", 68000, GOODS, (2, 20)),
        ("CLD-STO-500", "分布式存储（500TB）", "套", 720000, GOODS, (1, 2)),
        ("CLD-VIR-001", "虚拟化软件授权（每CPU）", "个", 8800, GOODS, (8, 64)),
        ("CLD-CMP-001", "云管理平台", "套", 180000, GOODS, (1, 1)),
        ("CLD-BAK-001", "备份容灾软件", "套", 96000, GOODS, (1, 2)),
        ("CLD-DB-001", "数据库一体机", "套", 380000, GOODS, (1, 2)),
        ("CLD-ECS-001", "公有云主机资源包（年）", "年", 54000, SERVICES, (1, 5)),
        ("CLD-OSS-001", "对象存储资源包（100TB·年）", "年", 36000, SERVICES, (1, 3)),
        ("CLD-MIG-001", "上云迁移服务", "项", 120000, SERVICES, (1, 1)),
        ("CLD-OPS-001", "云上代运维服务", "年", 96000, SERVICES, (1, 3)),
        ("CLD-SEC-001", "云安全服务（主机防护）", "年", 42000, SERVICES, (1, 3)),
    ],
}

# name, probability, forecast category, kind, gate (requirement keys), approval threshold, what happens
STAGES = [
    ("线索确认", 10, ForecastCategory.PIPELINE, StageKind.OPEN, [], None, "确认客户有真实需求、预算与时间表。"),
    ("需求分析", 20, ForecastCategory.PIPELINE, StageKind.OPEN, [], None, "调研现状，明确需求与决策链。"),
    ("方案/技术交流", 40, ForecastCategory.BEST_CASE, StageKind.OPEN, [], None, "技术交流、方案演示、样板参观。"),
    ("投标/报价", 60, ForecastCategory.BEST_CASE, StageKind.OPEN, ["amount", "decision_maker"], None,
     "提交报价或投标文件；须有金额与决策人。"),
    ("商务谈判", 80, ForecastCategory.COMMIT, StageKind.OPEN, ["competitor"], Decimal("1000000.00"),
     "价格与合同条款谈判；须记录竞争对手，100万元以上须经理审批。"),
    ("赢单", 100, ForecastCategory.CLOSED, StageKind.WON, [], None, "签约。"),
    ("丢单", 0, ForecastCategory.OMITTED, StageKind.LOST, [], None, "丢单，记录原因与赢单对手。"),
]

SOURCES = [("phone", "电话销售"), ("referral", "老客户介绍"), ("website", "网站"), ("ads", "广告"),
           ("expo", "展会"), ("partner", "合作伙伴")]

REASONS = [
    ("won", "价格优势"), ("won", "技术方案领先"), ("won", "客户关系"), ("won", "交期保障"), ("won", "本地化服务"),
    ("lost", "价格"), ("lost", "技术方案"), ("lost", "客户关系"), ("lost", "交期"), ("lost", "服务能力"),
    ("lost", "项目取消或预算冻结"),
]

# Generic names: no real company's trademark.
COMPETITORS = [
    ("华东某通信设备公司", "价格低，本地渠道多。", "大项目实施经验少。"),
    ("某国际网络品牌", "品牌认可度高，产品线全。", "价格高，交期长，服务响应慢。"),
    ("深圳某融合通信厂商", "调度类产品成熟，行业案例多。", "网络与云产品弱。"),
    ("北方某网络安全公司", "等保整改经验丰富。", "只做安全，整体方案要靠合作伙伴。"),
    ("某公有云服务商", "资源弹性大，价格透明。", "私有化部署与定制能力弱。"),
    ("某大型云计算集团", "全栈云产品，资金实力强。", "对中小项目重视不够。"),
    ("本地系统集成商", "与客户关系深，响应快。", "技术能力参差，依赖厂商。"),
    ("西南某集成商", "政府行业资源多。", "跨区域服务能力弱。"),
    ("某外资交换机品牌", "高端交换机性能好。", "价格高，国产化要求下受限。"),
]


def build(ctx):
    from . import demo_deals

    lines = {line.code: line for line in ProductLine.objects.filter(code__in=PRODUCTS)}
    created = {}
    pipelines = {code: ensure_pipeline(line, created) for code, line in sorted(lines.items())}
    products = {code: ensure_products(line, created) for code, line in sorted(lines.items())}
    for code, line in sorted(lines.items()):
        ensure_price_list(line, products[code], created)
    sources = ensure_named(LeadSource, [{"code": code, "name": name, "order": (i + 1) * 10}
                                        for i, (code, name) in enumerate(SOURCES)], "code", created, "lead sources")
    reasons = ensure_named(WinLossReason, [{"kind": kind, "name": name, "order": (i + 1) * 10}
                                           for i, (kind, name) in enumerate(REASONS)], ("kind", "name"), created,
                           "win/loss reasons")
    competitors = ensure_named(Competitor, [{"name": name, "strengths": strengths, "weaknesses": weaknesses}
                                            for name, strengths, weaknesses in COMPETITORS], "name", created,
                               "competitors")
    for label, value in created.items():
        ctx.created[label] = value
    ctx.shared["sales"] = {"pipelines": pipelines, "products": products, "sources": sources, "reasons": reasons,
                           "competitors": competitors}
    demo_deals.build(ctx)


def ensure_pipeline(line, created):
    pipeline = Pipeline.objects.filter(product_line=line, is_active=True).first()
    made = 0
    if pipeline is None:
        pipeline = Pipeline.objects.create(name=f"{line.name}销售流程", product_line=line, stall_days=30,
                                           description=f"{line.name}项目型销售：线索确认到签约。")
        for order, (name, probability, category, kind, gate, threshold, text) in enumerate(STAGES, start=1):
            Stage.objects.create(pipeline=pipeline, name=name, order=order * 10, probability=probability,
                                 forecast_category=category, kind=kind, requirements=gate,
                                 approval_threshold=threshold, description=text)
        made = 1
    before, _total = created.get("pipelines", (0, 0))
    created["pipelines"] = (before + made, Pipeline.objects.count())
    return pipeline


def ensure_products(line, created):
    have = {p.code: p for p in Product.all_objects.filter(code__in=[row[0] for row in PRODUCTS[line.code]])}
    new = [Product(product_line=line, code=code, name=name, unit=unit, list_price=Decimal(price), tax_rate=tax)
           for code, name, unit, price, tax, _qty in PRODUCTS[line.code] if code not in have]
    Product.objects.bulk_create(new)
    before, _total = created.get("products", (0, 0))
    created["products"] = (before + len(new), Product.objects.count())
    have.update({p.code: p for p in new})
    return [(have[row[0]], row[5]) for row in PRODUCTS[line.code]]


def ensure_price_list(line, products, created):
    year = timezone.localdate().year
    name = f"{line.name} {year} 年标准价目表"
    price_list = PriceList.objects.filter(name=name).first()
    made = 0
    if price_list is None:
        price_list = PriceList.objects.create(name=name, product_line=line, valid_from=datetime.date(year, 1, 1),
                                              valid_to=datetime.date(year, 12, 31), notes="对外报价的基准价。")
        PriceListItem.objects.bulk_create(PriceListItem(price_list=price_list, product=product,
                                                        price=product.list_price) for product, _qty in products)
        made = 1
    before, _total = created.get("price lists", (0, 0))
    created["price lists"] = (before + made, PriceList.objects.count())


def ensure_named(model, rows, key, created, label):
    keys = (key,) if isinstance(key, str) else key
    have = {tuple(getattr(o, k) for k in keys): o for o in model.all_objects.all()}
    new = [model(**row) for row in rows if tuple(row[k] for k in keys) not in have]
    model.objects.bulk_create(new)
    have.update({tuple(getattr(o, k) for k in keys): o for o in new})
    created[label] = (len(new), model.objects.count())
    return [have[tuple(row[k] for k in keys)] for row in rows]
