"""Account teams by product line and customer strategies for `manage.py demo_data` (after the
customers): several key customers get one account manager per product line — from different
branches, so each sees the customer through the team — and a strategy for some lines.
Idempotent: what exists is kept."""

from org.models import Employee, ProductLine

from .models import AccountTeamMember, Customer, CustomerStrategy, TeamRole

KEY_CUSTOMERS = 12

STRATEGIES = {
    "PL-COMM": ("融合通信替换", "老旧程控交换机维保到期，需要统一调度与移动办公。", "本地化服务团队，两小时到场。",
                "华为、中兴", "先替换总部交换机，再推广到各分厂。"),
    "PL-NET": ("园区网络升级", "园区网络扩容，安全等保三级整改。", "等保整改经验，交付周期短。",
               "新华三、锐捷", "以等保整改切入，捆绑数据中心网络。"),
    "PL-CLOUD": ("混合云迁移", "核心系统上云，降低运维成本。", "私有云与公有云统一运维。",
                 "阿里云、华为云", "先迁移测试环境，再迁移非核心业务。"),
}


def build(ctx):
    rng = ctx.gen.seeded(ctx.options["seed"] + 7)
    lines = list(ProductLine.objects.filter(is_active=True).order_by("code"))
    if not lines:
        return
    sellers = {line.pk: list(Employee.objects.filter(product_lines=line, is_active=True, unit__isnull=False)
                             .order_by("username")) for line in lines}
    everyone = list(Employee.objects.filter(is_active=True, username__contains=".seller").order_by("username"))
    customers = list(Customer.objects.filter(level="customer").order_by("credit_code")[:KEY_CUSTOMERS])
    members = strategies = 0
    for index, customer in enumerate(customers):
        for line in rng.sample(lines, rng.randint(2, len(lines))):
            pool = [p for p in sellers.get(line.pk) or everyone if p.pk != customer.owner_id] or everyone
            manager = rng.choice(pool)
            _member, created = AccountTeamMember.objects.get_or_create(
                customer=customer, product_line=line, role=TeamRole.ACCOUNT_MANAGER, deleted_at=None,
                defaults={"employee": manager, "created_by": customer.owner, "updated_by": customer.owner,
                          "notes": f"{line.name}客户经理"})
            members += created
            if index % 3 == 0:
                presales = rng.choice(everyone)
                _member, created = AccountTeamMember.objects.get_or_create(
                    customer=customer, product_line=line, employee=presales, deleted_at=None,
                    defaults={"role": TeamRole.PRESALES, "created_by": customer.owner,
                              "updated_by": customer.owner})
                members += created
            if line.code in STRATEGIES and rng.random() < 0.6:
                title, needs, strengths, competitors, plan = STRATEGIES[line.code]
                _strategy, created = CustomerStrategy.objects.get_or_create(
                    customer=customer, product_line=line, deleted_at=None,
                    defaults={"title": title, "needs": needs, "strengths": strengths, "competitors": competitors,
                              "plan": plan, "created_by": customer.owner, "updated_by": customer.owner})
                strategies += created
    # north.seller1 (a demo login) manages the 企业网络 line of a customer owned in 华东: they see
    # it through the account team, and their managers through the hierarchy setting.
    seller, network = ctx.people.get("north.seller1"), ProductLine.objects.filter(code="PL-NET").first()
    remote = Customer.objects.filter(owner__username__startswith="east.", level="customer").exclude(
        account_team__product_line=network, account_team__role=TeamRole.ACCOUNT_MANAGER,
        account_team__deleted_at=None).order_by("credit_code").first()
    if seller and network and remote and not AccountTeamMember.objects.filter(
            employee=seller, product_line=network, customer__owner__username__startswith="east.").exists():
        AccountTeamMember.objects.create(customer=remote, employee=seller, product_line=network,
                                         created_by=remote.owner, updated_by=remote.owner, notes="跨区协同")
        members += 1
    ctx.created["account team members"] = (members, AccountTeamMember.objects.count())
    ctx.created["customer strategies"] = (strategies, CustomerStrategy.objects.count())
