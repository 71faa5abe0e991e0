"""Leads and opportunities of the sales demo (called by sales/demo.py, which made the reference data).

About 360 leads and 420 opportunities over the last twelve months, owned by the sellers who own
the customers (so they spread over the whole org tree), each deal with line items, a consistent
stage history (won deals closed with a reason; lost ones with a reason and the competitor that won,
recorded on the deal), competitors, decision makers, team members from other units (matrix), and
on the later-stage deals documents and strategy notes. Every account-team place (customer, product
line) gets a deal, so product-line isolation shows on the demo.
"""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from customers.models import AccountTeamMember, Contact, Customer, Industry
from customers.models.account_team import TeamRole
from org.models import Employee

from .models import (
    Lead,
    LeadStatus,
    Opportunity,
    OpportunityCompetitor,
    OpportunityDocument,
    OpportunityLine,
    OpportunityNote,
    OpportunityStatus,
    OpportunityTeamMember,
    StageChange,
    StageKind,
)

LEADS = 360
OPPORTUNITIES = 420
BATCH = 1000
DAY = datetime.timedelta(days=1)
HOURS_APART = datetime.timedelta(hours=3)

PROJECTS = {
    "PL-COMM": ["融合通信改造项目", "调度指挥系统项目", "视频会议系统建设", "应急通信平台项目", "呼叫中心升级项目"],
    "PL-NET": ["园区网络升级改造", "数据中心网络建设", "等保三级整改项目", "无线全覆盖项目", "分支机构SD-WAN组网"],
    "PL-CLOUD": ["混合云平台建设", "核心系统上云迁移", "超融合资源池扩容", "容灾备份中心建设", "云上运维外包项目"],
}
LEAD_NEEDS = ["计划明年更换老旧交换机", "展会上咨询了视频会议方案", "询问等保整改报价", "想了解私有云建设费用",
              "新园区需要网络与无线覆盖", "调度系统维保到期，考虑替换", "网站留言咨询云迁移", "老客户介绍，有扩容需求"]
DISQUALIFY = ["无预算", "无明确需求", "已与其他厂商签约", "多次联系不上", "重复线索"]
NEXT_STEPS = ["安排技术交流", "提交方案初稿", "约见信息中心主任", "邀请参观样板工程", "准备投标文件", "商务条款澄清",
              "等待客户内部审批", "确认合同条款"]
STRENGTHS = ["报价低10%左右", "与客户高层关系好", "有同行业成功案例", "交期短", "本地有服务团队", "产品功能全"]
WEAKNESSES = ["售后响应慢", "方案定制能力弱", "国产化适配不足", "大项目经验少", "价格偏高", "付款条件苛刻"]
TEAM_ROLES = {"engineer": "technical", "director": "manager", "seller": "sales"}

# (kind, title, body) of the strategy notes on later-stage deals.
NOTES = [
    ("decision", "决策链分析", "总经理最终拍板；信息中心主任主导技术选型；采购部负责比价。\n财务总监关注付款周期。"),
    ("strategy", "竞争策略", "以本地化服务和交付周期取胜，避免单纯比价。\n组织一次样板工程参观。"),
    ("risk", "主要风险", "客户预算可能延后到下一年度；竞争对手报价明显偏低。"),
    ("plan", "下一步行动计划", "1. 本周提交方案修订稿\n2. 下周约信息中心主任技术交流\n3. 月底前完成报价"),
]
# (kind, title, extension) of the documents on later-stage deals.
DOCUMENTS = [("minutes", "需求调研纪要", "txt"), ("technical", "技术方案建议书", "pdf"), ("quote", "报价清单", "csv")]


def build(ctx):
    now = timezone.now()
    sales = ctx.shared["sales"]
    lines = {code: pipeline.product_line for code, pipeline in sales["pipelines"].items()}
    if not lines:
        return
    customers = list(Customer.objects.filter(owner__isnull=False, owner__unit__isnull=False).order_by("pk")
                     .values_list("pk", "short_name", "name", "owner_id", "owner__unit_id"))
    if not customers:
        return
    leads = ensure_leads(ctx, now, lines, customers)
    opportunities = ensure_opportunities(ctx, now, lines, customers)
    sales["leads"] = leads
    sales["opportunities"] = opportunities


# --- leads ----------------------------------------------------------------------------------------


def ensure_leads(ctx, now, lines, customers):
    gen, company = ctx.gen, ctx.shared["company"]
    rng = gen.seeded(ctx.options["seed"] + 40)
    sellers = [(branch, username) for branch, usernames in company.sellers_by_branch.items()
               for username in usernames if username in ctx.people]
    industries = dict(Industry.objects.values_list("code", "pk"))
    sources = ctx.shared["sales"]["sources"]
    by_owner = {}
    for pk, _short, _name, owner_id, _unit in customers:
        by_owner.setdefault(owner_id, []).append(pk)
    have = set(Lead.all_objects.values_list("name", "company"))
    statuses = {LeadStatus.NEW: 25, LeadStatus.WORKING: 25, LeadStatus.QUALIFIED: 15, LeadStatus.DISQUALIFIED: 15,
                LeadStatus.CONVERTED: 20}
    new, seen = [], set()
    for _index in range(LEADS):
        branch, username = rng.choice(sellers)
        place = gen.place(rng, company.cities_by_branch[branch])
        name, _short, industry, _public = gen.company(rng, place)
        surname, given = gen.person_name(rng)
        title = rng.choice(["信息中心主任", "IT经理", "采购经理", "总经理", "网络工程师", "行政主管"])
        status = gen.weighted(rng, statuses)
        created, updated = gen.history(rng, now, max_age_days=365, mean_days_to_update=20)
        line_code = rng.choice(sorted(lines))
        source = rng.choice(sources)
        need = rng.choice(LEAD_NEEDS)
        reason = rng.choice(DISQUALIFY)
        pick = rng.random()
        phone = gen.mobile(rng)
        key = (surname + given, name)
        owner = ctx.people[username]
        if key in have or key in seen:
            continue
        seen.add(key)
        lead = Lead(name=surname + given, company=name, title=title, phone=phone, province=place.province,
                    city=place.city, industry_id=industries.get(industry), product_line=lines[line_code],
                    source=source, status=status, description=need, owner=owner, org_unit_id=owner.unit_id,
                    created_at=created, updated_at=updated, created_by=owner, updated_by=owner)
        if status == LeadStatus.DISQUALIFIED:
            lead.disqualify_reason = reason
        if status == LeadStatus.CONVERTED:
            owned = by_owner.get(owner.pk)
            if owned:
                lead.converted_customer_id = owned[int(pick * len(owned))]
                lead.converted_at = updated
            else:
                lead.status = LeadStatus.QUALIFIED
        new.append(lead)
    with gen.manual_timestamps(Lead):
        Lead.objects.bulk_create(new, batch_size=BATCH)
    ctx.created["leads"] = (len(new), Lead.objects.count())
    return list(Lead.objects.order_by("pk").values_list("pk", flat=True)[:2000])


# --- opportunities ----------------------------------------------------------------------------------


def deal_places(ctx, lines, customers):
    """(customer row, line code, showcase) of every deal to make: first one per account-team place
    (the customer's account manager of that line sees it; the others of the team do not), then one
    for each of the demo logins' first customers, then customers drawn at random."""
    rng = ctx.gen.seeded(ctx.options["seed"] + 41)
    rows = {row[0]: row for row in customers}
    codes = {line.pk: code for code, line in lines.items()}
    places = []
    for customer_id, line_id in AccountTeamMember.objects.filter(role=TeamRole.ACCOUNT_MANAGER).order_by(
            "customer_id", "product_line_id").values_list("customer_id", "product_line_id"):
        if customer_id in rows and line_id in codes:
            places.append((rows[customer_id], codes[line_id]))
    places = [(row, code, False) for row, code in places]
    for owner_id in demo_logins(ctx):
        owned = [row for row in customers if row[3] == owner_id][:4]
        # The first deal of a demo login is in negotiation, with its team, documents and notes.
        places.extend((row, rng.choice(sorted(lines)), index == 0) for index, row in enumerate(owned))
    while len(places) < OPPORTUNITIES:
        places.append((rng.choice(customers), rng.choice(sorted(lines)), False))
    return places


def demo_logins(ctx):
    return [ctx.people[u].pk for u in ("north.seller1", "bj.sales1.head", "east.seller1", "south.seller1")
            if u in ctx.people]


def stage_path(rng, stages):
    """The stages a deal went through, first to current, and whether it is open, won or lost."""
    open_stages = [s for s in stages if s.kind == StageKind.OPEN]
    won = next(s for s in stages if s.kind == StageKind.WON)
    lost = next(s for s in stages if s.kind == StageKind.LOST)
    outcome = rng.choices(("open", "won", "lost"), weights=(60, 22, 18))[0]
    if outcome == "won":
        return [*open_stages, won], outcome
    if outcome == "lost":
        return [*open_stages[:rng.randint(1, len(open_stages))], lost], outcome
    reached = rng.choices(range(1, len(open_stages) + 1), weights=(25, 25, 20, 17, 13)[:len(open_stages)])[0]
    return open_stages[:reached], outcome


def ensure_opportunities(ctx, now, lines, customers):
    gen = ctx.gen
    rng = gen.seeded(ctx.options["seed"] + 42)
    sales = ctx.shared["sales"]
    stages = {code: list(p.stages.order_by("order")) for code, p in sales["pipelines"].items()}
    won_reasons = [r for r in sales["reasons"] if r.kind == "won"]
    lost_reasons = [r for r in sales["reasons"] if r.kind == "lost"]
    competitors = sales["competitors"]
    helpers = matrix_people(lines)
    contacts = decision_contacts()
    taken = set(Opportunity.all_objects.values_list("name", flat=True))
    logins = set(demo_logins(ctx))
    made_now, names = set(), set()
    deals = []
    for customer, code, showcase in deal_places(ctx, lines, customers):
        customer_id, short, full, owner_id, unit_id = customer
        project = rng.choice(PROJECTS[code])
        path, outcome = stage_path(rng, stages[code])
        if showcase:
            path, outcome = [s for s in stages[code] if s.kind == StageKind.OPEN], "open"
        created = now - datetime.timedelta(seconds=rng.uniform(7 * 86400, 365 * 86400))
        span = (now - created) * rng.uniform(0.35, 0.98)
        times = sorted(created + span * rng.random() for _ in path[1:])
        items = [(product, rng.randint(*qty), Decimal(rng.choice((0, 0, 3, 5, 8, 10, 12))))
                 for product, qty in rng.sample(sales["products"][code], rng.randint(1, 4))]
        with_competitors = outcome == "lost" or len(path) >= 5 or rng.random() < 0.4
        rivals = rng.sample(competitors, rng.randint(1, 2)) if with_competitors else []
        rival_prices = [rng.uniform(0.8, 1.15) for _ in rivals]
        rival_notes = [(rng.choice(STRENGTHS), rng.choice(WEAKNESSES)) for _ in rivals]
        reason = rng.choice(won_reasons if outcome == "won" else lost_reasons)
        team = rng.sample(helpers.get(code, []), 2)[: rng.randint(1, 2) if rng.random() < 0.3 or showcase else 0]
        close_in = rng.randint(15, 150)
        next_step = rng.choice(NEXT_STEPS)
        source = rng.choice(sales["sources"])
        name = f"{short or full[:8]}{project}"
        while name in names:
            name = f"{name}（二期）"
        names.add(name)
        if name in taken:
            continue
        made_now.add(name)
        deals.append({"name": name, "customer_id": customer_id, "owner_id": owner_id, "unit_id": unit_id,
                      "line": lines[code], "code": code, "path": path, "outcome": outcome, "created": created,
                      "times": times, "items": items, "rivals": list(zip(rivals, rival_prices, rival_notes,
                                                                          strict=True)),
                      "reason": reason, "team": [p for p in team if p.pk != owner_id], "close_in": close_in,
                      "next_step": next_step, "source": source, "decision_maker": contacts.get(customer_id),
                      "showcase": showcase or owner_id in logins})
    write_deals(ctx, deals)
    write_workspace(ctx, [d for d in deals if len(d["path"]) >= 3])
    ctx.created["opportunities"] = (len(deals), Opportunity.objects.count())
    return list(Opportunity.objects.order_by("pk").values_list("pk", "name", "owner_id", "stage__kind")[:5000])


def matrix_people(lines):
    """Per line code: people of other units a deal team borrows (engineers, the line's director,
    sellers of the line)."""
    engineers = list(Employee.objects.filter(username__contains=".engineer", is_active=True).order_by("username"))
    found = {}
    for code, line in lines.items():
        directors = list(Employee.objects.filter(username=f"pl.{code.removeprefix('PL-').lower()}"))
        sellers = list(Employee.objects.filter(product_lines=line, is_active=True, unit__isnull=False)
                       .order_by("username")[:12])
        found[code] = engineers[:8] + directors + sellers
    return found


def decision_contacts():
    """customer id → a contact to name as decision maker (the decision maker when there is one)."""
    found = {}
    for customer_id, contact_id, role in Contact.objects.order_by("customer_id", "pk").values_list(
            "customer_id", "pk", "decision_role"):
        if customer_id not in found or role == "decision_maker":
            found[customer_id] = contact_id
    return found


def amount_of(items):
    return sum((product.list_price * qty * (100 - discount) / 100).quantize(Decimal("0.01"))
               for product, qty, discount in items)


def write_deals(ctx, deals):
    gen = ctx.gen
    rows = []
    for d in deals:
        current = d["path"][-1]
        changed = d["times"][-1] if d["times"] else d["created"]
        closed = current.kind != StageKind.OPEN
        amount = amount_of(d["items"])
        d["amount"] = amount
        rows.append(Opportunity(
            name=d["name"], customer_id=d["customer_id"], product_line=d["line"], pipeline_id=current.pipeline_id,
            stage=current, amount=amount, expected_close_date=(changed + d["close_in"] * DAY).date() if not closed
            else changed.date(), source=d["source"], next_step="" if closed else d["next_step"],
            status={"won": OpportunityStatus.WON, "lost": OpportunityStatus.LOST}.get(d["outcome"],
                                                                                   OpportunityStatus.OPEN),
            stage_changed_at=changed, last_activity_at=changed, closed_at=changed if closed else None,
            closed_unit_id=d["unit_id"] if closed else None,
            close_reason=d["reason"] if closed else None,
            close_note={"won": "签约，进入交付。", "lost": "客户选择了其他厂商。"}.get(d["outcome"], ""),
            won_by=d["rivals"][0][0] if d["outcome"] == "lost" else None,
            owner_id=d["owner_id"], org_unit_id=d["unit_id"], created_at=d["created"], updated_at=changed,
            created_by_id=d["owner_id"], updated_by_id=d["owner_id"]))
    with gen.manual_timestamps(Opportunity, OpportunityLine, OpportunityCompetitor, OpportunityTeamMember):
        Opportunity.objects.bulk_create(rows, batch_size=BATCH)
        lines, rivals, team, history, deciders = [], [], [], [], []
        for d, deal in zip(deals, rows, strict=True):
            d["pk"] = deal.pk
            stamp = {"created_at": d["created"], "updated_at": d["created"], "created_by_id": d["owner_id"],
                     "updated_by_id": d["owner_id"]}
            lines += [OpportunityLine(opportunity=deal, product=product, quantity=qty, unit_price=product.list_price,
                                      discount=discount, **stamp) for product, qty, discount in d["items"]]
            rivals += [OpportunityCompetitor(opportunity=deal, competitor=rival,
                                             price=(d["amount"] * Decimal(str(round(share, 2)))).quantize(Decimal("1")),
                                             product=f"{rival.name[:4]}同类方案", strengths=strength, weaknesses=weakness,
                                             **stamp)
                       for rival, share, (strength, weakness) in d["rivals"]]
            team += [OpportunityTeamMember(opportunity=deal, employee=person, notes="跨部门支持",
                                           role=role_of(person, d["code"]), **stamp) for person in d["team"]]
            previous = None
            for stage, when in zip(d["path"], [d["created"], *d["times"]], strict=True):
                history.append(StageChange(opportunity=deal, from_stage=previous, to_stage=stage,
                                           changed_by_id=d["owner_id"], changed_at=when, amount=d["amount"],
                                           probability=stage.probability))
                previous = stage
            if d["decision_maker"] and len(d["path"]) >= 4:
                deciders.append(Opportunity.decision_makers.through(opportunity_id=deal.pk,
                                                                   contact_id=d["decision_maker"]))
        OpportunityLine.objects.bulk_create(lines, batch_size=BATCH)
        OpportunityCompetitor.objects.bulk_create(rivals, batch_size=BATCH)
        OpportunityTeamMember.objects.bulk_create(team, batch_size=BATCH)
        StageChange.objects.bulk_create(history, batch_size=BATCH)
        Opportunity.decision_makers.through.objects.bulk_create(deciders, batch_size=BATCH)
    ctx.created["opportunity lines"] = (len(lines), OpportunityLine.objects.count())
    ctx.created["competitors on deals"] = (len(rivals), OpportunityCompetitor.objects.count())
    ctx.created["deal team members"] = (len(team), OpportunityTeamMember.objects.count())
    ctx.created["stage changes"] = (len(history), StageChange.objects.count())


def role_of(person, code):
    if ".engineer" in person.username:
        return TEAM_ROLES["engineer"]
    if person.username.startswith("pl."):
        return TEAM_ROLES["director"]
    return TEAM_ROLES["seller"]


# --- the workspace: documents and strategy notes ---------------------------------------------------


def write_workspace(ctx, deals):
    """Documents and notes on the demo logins' deals and on every fourth other deal past the first two
    stages (new deals only)."""
    chosen = [d for index, d in enumerate(deals) if d["showcase"] or index % 4 == 0]
    now = timezone.now()
    notes, documents = [], []
    for index, d in enumerate(chosen):
        def stamp(step, d=d):
            # The n-th note or document came with the n-th stage change (or a few hours after the last).
            moments = [d["created"], *d["times"]]
            when = min(moments[min(step + 1, len(moments) - 1)] + step * HOURS_APART, now)
            return {"created_at": when, "updated_at": when, "created_by_id": d["owner_id"],
                    "updated_by_id": d["owner_id"]}

        for step, (kind, title, body) in enumerate(NOTES[: len(NOTES) if d["showcase"] else 1 + index % len(NOTES)]):
            notes.append(OpportunityNote(opportunity_id=d["pk"], kind=kind, title=title, body=body, **stamp(step)))
        count = len(DOCUMENTS) if d["showcase"] else 1 + index % len(DOCUMENTS)
        for step, (kind, title, extension) in enumerate(DOCUMENTS[:count]):
            data = document_bytes(extension, d, title)
            document = OpportunityDocument(opportunity_id=d["pk"], kind=kind, title=title, **stamp(step))
            document.file = ContentFile(data, name=f"{title}.{extension}")
            document.take_upload()  # checked like an upload; the file is written by the insert
            documents.append(document)
    with ctx.gen.manual_timestamps(OpportunityNote, OpportunityDocument):
        OpportunityNote.objects.bulk_create(notes, batch_size=BATCH)
        OpportunityDocument.objects.bulk_create(documents, batch_size=BATCH)
    ctx.created["strategy notes"] = (len(notes), OpportunityNote.objects.count())
    ctx.created["deal documents"] = (len(documents), OpportunityDocument.objects.count())


def document_bytes(extension, deal, title):
    if extension == "csv":
        rows = ["产品编码,产品名称,数量,单价,折扣%"]
        rows += [f"{p.code},{p.name},{q},{p.list_price},{disc}" for p, q, disc in deal["items"]]
        return ("\n".join(rows) + "\n").encode()
    if extension == "txt":
        return (f"{deal['name']} — {title}\n\n参会：客户信息中心、采购部；我方销售与售前。\n"
                "结论：客户希望下月看到方案，预算已列入年度计划。\n").encode()
    return minimal_pdf(f"{title} - {deal['code']} - {deal['created']:%Y-%m-%d}")


def minimal_pdf(text):
    """A one-page PDF with one line of ASCII text (CJK needs an embedded font; a real proposal
    would be uploaded, not generated)."""
    safe = "".join(c if 32 <= ord(c) < 127 and c not in "()\\" else "?" for c in text)
    stream = f"BT /F1 14 Tf 72 760 Td ({safe}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)

