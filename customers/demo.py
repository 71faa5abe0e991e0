"""Customers' part of `manage.py demo_data`: 2,000 customers with contacts, tags and account teams.

Registered in CustomersConfig.ready() after org's part (it needs org's people and company spec in
the context). Idempotent: customers are keyed by credit code; only the missing ones are created.
"""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from core.models import Share
from org.demo_company import PROJECT_TEAMS
from org.models import Team

from . import regions
from .models import Contact, ContactEmployeeRelation, ContactRelation, Customer, DecisionRole, Industry

BATCH = 1000


class RowValues:
    """The generator's values (demo.generators.customer) as Customer fields. bulk_create skips
    clean(), so the GB/T 4754 entry (from its code) and the GB/T 2260 names and code are set here."""

    def __init__(self):
        self.industries = dict(Industry.objects.values_list("code", "pk"))
        self.places = {}

    def __call__(self, values):
        row = {key: value for key, value in values.items() if key != "industry"}
        row["industry_id"] = self.industries.get(values.get("industry"))
        key = (values.get("province", ""), values.get("city", ""), values.get("district", ""))
        if key not in self.places:
            self.places[key] = regions.resolve(*key)
        row["province"], row["city"], row["district"], row["region_code"] = self.places[key]
        return row


def build(ctx):
    company = ctx.shared["company"]
    seed = ctx.options["seed"]
    specs = customer_specs(ctx, company, ctx.options["customers"], seed)
    ensure_customers(ctx, specs, seed)
    ensure_shares(ctx, specs)
    ensure_duplicates(ctx, specs)
    ensure_relationships(ctx, seed)


def customer_specs(ctx, company, count, seed):
    """The demo customers as plain data, the same on every run: (owner username, values, place, tags)."""
    gen = ctx.gen
    rng = gen.seeded(seed + 1)
    owners = [(branch, username, 0.4 if username.endswith(".head") else rng.uniform(0.6, 1.4))
              for branch, usernames in company.sellers_by_branch.items() for username in usernames]
    weights = [w for _b, _u, w in owners]
    codes = gen.UniqueCodes()
    specs = []
    while len(specs) < count:
        # Everyone gets one customer first (every demo login has something to show), then the
        # rest goes to owners at random, some busier than others.
        if len(specs) < len(owners):
            branch, username, _w = owners[len(specs)]
        else:
            branch, username, _w = rng.choices(owners, weights=weights)[0]
        values, place = gen.customer(rng, company.cities_by_branch[branch])
        if not codes.claim(values["credit_code"]):
            continue
        specs.append((username, values, place, gen.tags(rng)))
    return specs


def ensure_customers(ctx, specs, seed):
    gen, people = ctx.gen, ctx.people
    rng = gen.seeded(seed + 2)
    codes = [values["credit_code"] for _u, values, _p, _t in specs]
    existing = set()
    for start in range(0, len(codes), 500):
        existing |= set(Customer.all_objects.filter(credit_code__in=codes[start:start + 500])
                        .values_list("credit_code", flat=True))
    now = timezone.now()
    to_row = RowValues()
    new, extras = [], []
    for username, values, place, tags in specs:
        # Draw the random history for every spec, created or not, so the stream stays the same.
        created, updated = gen.history(rng, now, max_age_days=730, mean_days_to_update=60)
        contacts = [gen.contact(rng, place) for _ in range(rng.choices((1, 2, 3), weights=(5, 3, 2))[0])]
        owner = people.get(username)
        if values["credit_code"] in existing or owner is None:
            continue
        new.append(Customer(**to_row(values), owner=owner, org_unit_id=owner.unit_id, created_at=created,
                            updated_at=updated, created_by=owner, updated_by=owner))
        extras.append((contacts, tags))
    with gen.manual_timestamps(Customer, Contact):
        Customer.objects.bulk_create(new, batch_size=BATCH)
        contact_rows = []
        for customer, (contacts, _tags) in zip(new, extras, strict=True):
            for values in contacts:
                contact_rows.append(Contact(**values, customer=customer, created_at=customer.created_at,
                                            updated_at=customer.updated_at, created_by=customer.owner,
                                            updated_by=customer.owner))
        Contact.objects.bulk_create(contact_rows, batch_size=BATCH)
    tag_objects = {}
    for name in gen.TAGS:
        tag_objects[name] = Tag.objects.filter(name=name).first() or Tag.objects.create(name=name)
    content_type = ContentType.objects.get_for_model(Customer)
    TaggedItem.objects.bulk_create(
        (TaggedItem(tag=tag_objects[name], content_type=content_type, object_id=customer.pk)
         for customer, (_contacts, tags) in zip(new, extras, strict=True) for name in tags),
        batch_size=BATCH,
    )
    ctx.created["customers"] = (len(new), Customer.objects.count())
    ctx.created["contacts"] = (len(contact_rows), Contact.objects.count())


def ensure_shares(ctx, specs):
    """Account teams on a few key customers, and one customer shared with north.seller1."""
    people = ctx.people

    def customer_of(predicate):
        for username, values, _place, _tags in specs:
            if predicate(username, values):
                found = Customer.objects.filter(credit_code=values["credit_code"]).first()
                if found is not None:
                    return found
        return None

    content_type = ContentType.objects.get_for_model(Customer)
    created = teams_created = 0

    def share(customer, employee=None, team=None, role="", can_change=False):
        nonlocal created
        if customer is None or (employee is None and team is None):
            return
        grantee = {"employee": employee} if employee is not None else {"team": team}
        _share, was_created = Share.objects.get_or_create(
            content_type=content_type, object_id=customer.pk, **grantee,
            defaults={"role": role, "can_change": can_change},
        )
        created += was_created

    # A seller of another region asks north.seller1 to help with one of their accounts.
    share(customer_of(lambda u, v: u == "east.seller2")
          or customer_of(lambda u, v: not u.startswith("north.")),
          employee=people.get("north.seller1"), role="协同销售")
    account_teams = [
        ("bj.ka.head", ["north.seller14", "pl.comm", "bj.engineer1"], "北京大客户客户组"),
        ("east.seller13", ["east.seller14", "pl.cloud", "sh.engineer1"], "上海大客户客户组"),
        ("south.seller31", ["south.seller32", "pl.net", "sz.engineer1"], "深圳大客户客户组"),
    ]
    for owner, members, team_name in account_teams:
        customer = customer_of(lambda u, v, owner=owner: u == owner and v["level"] == "customer") \
            or customer_of(lambda u, v, owner=owner: u == owner)
        team = Team.objects.filter(name=team_name, kind=Team.Kind.ACCOUNT).first()
        if team is None:
            team = Team.objects.create(name=team_name, kind=Team.Kind.ACCOUNT, leader=people.get(owner),
                                       description="重点客户的客户团队：销售、产品线与服务。")
            team.members.add(*(people[u] for u in [owner, *members] if u in people))
            teams_created += 1
        share(customer, team=team, role="客户团队", can_change=True)
    # The cross-branch project team works on one customer of its leader.
    project = Team.objects.filter(name=PROJECT_TEAMS[0][0], kind=Team.Kind.PROJECT).first()
    share(customer_of(lambda u, v: u == PROJECT_TEAMS[0][1] and v["industry"] == "44")
          or customer_of(lambda u, v: u == PROJECT_TEAMS[0][1]), team=project, role="项目团队")
    before, _total = ctx.created.get("teams", (0, 0))
    ctx.created["teams"] = (before + teams_created, Team.objects.count())
    ctx.created["shares"] = (created, Share.objects.filter(content_type=content_type).count())


def near_duplicate_name(name):
    """The same company written another way: the region in brackets, or another legal form."""
    from .dedupe import name_key, name_region

    key, region = name_key(name), name_region(name)
    if region and key:
        return f"{key}（{region}）有限公司"
    return name.replace("有限公司", "股份有限公司") if name.endswith("有限公司") else f"{name}（分部）"


def ensure_duplicates(ctx, specs, count=2):
    """A couple of near-duplicates of demo customers (same owner and phone, no credit code, a copy
    of a contact), so that a demo user can try the duplicate check and the merge."""
    made = new = 0
    for username, values, _place, _tags in specs:
        if made >= count:
            break
        owner = ctx.people.get(username)
        twin = near_duplicate_name(values["name"])
        if owner is None or twin == values["name"]:
            continue
        if Customer.all_objects.filter(name=twin).exists():  # made by an earlier run
            made += 1
            continue
        original = Customer.objects.filter(credit_code=values["credit_code"]).first()
        if original is None:
            continue
        customer = Customer(
            name=twin, phone=original.phone, city=original.city, province=original.province,
            industry=original.industry, owner=owner, org_unit_id=owner.unit_id, created_by=owner, updated_by=owner,
            notes="演示：与另一条客户记录重复，可在客户列表中选中两条后合并。")
        Customer.objects.bulk_create([customer])
        contact = original.contacts.order_by("pk").first()
        if contact is not None:
            Contact.objects.bulk_create([Contact(customer=customer, name=contact.name, title=contact.title,
                                                 mobile=contact.mobile, email=contact.email,
                                                 created_by=owner, updated_by=owner)])
        made += 1
        new += 1
    ctx.created["near-duplicate customers"] = (new, made)
RELATIONSHIP_CUSTOMERS = 12
# (title, department, decision role) of the people a relationship map is drawn for, top first.
MAP_PEOPLE = (("总经理", "总经办", DecisionRole.DECISION_MAKER), ("财务总监", "财务部", DecisionRole.FINANCIAL),
              ("信息中心主任", "信息中心", DecisionRole.TECHNICAL), ("采购经理", "采购部", DecisionRole.INFLUENCER),
              ("网络工程师", "信息中心", DecisionRole.USER))


def ensure_relationships(ctx, seed):
    """A relationship map on one customer of each of the first sellers (the demo logins): five
    people from the general manager down, who reports to and influences whom, and who of ours
    knows them (the owner, and the owner's manager). A customer that has a map keeps it."""
    rng = ctx.gen.seeded(seed + 7)
    owners, chosen = set(), []
    for customer in Customer.objects.filter(owner__isnull=False).order_by("pk").select_related("owner")[:2000]:
        if customer.owner_id not in owners:
            owners.add(customer.owner_id)
            chosen.append(customer)
        if len(chosen) >= RELATIONSHIP_CUSTOMERS:
            break
    made = 0
    for customer in chosen:
        if ContactRelation.all_objects.filter(from_contact__customer=customer).exists():
            continue
        contacts = list(Contact.objects.filter(customer=customer).order_by("pk")[:len(MAP_PEOPLE)])
        while len(contacts) < len(MAP_PEOPLE):
            values = ctx.gen.contact(rng, ctx.gen.place(rng))
            contacts.append(Contact.objects.create(**values, customer=customer, created_by=customer.owner,
                                                   updated_by=customer.owner))
        for contact, (title, department, role) in zip(contacts, MAP_PEOPLE, strict=True):
            contact.title, contact.department, contact.decision_role = title, department, role
        Contact.objects.bulk_update(contacts, ["title", "department", "decision_role"])
        boss, finance, it, buyer, engineer = contacts
        ContactRelation.objects.bulk_create([
            ContactRelation(from_contact=finance, to_contact=boss, kind="reports_to"),
            ContactRelation(from_contact=it, to_contact=boss, kind="reports_to"),
            ContactRelation(from_contact=buyer, to_contact=finance, kind="reports_to"),
            ContactRelation(from_contact=engineer, to_contact=it, kind="reports_to"),
            ContactRelation(from_contact=it, to_contact=buyer, kind="influences", note="技术选型由信息中心定"),
        ])
        knows = [ContactEmployeeRelation(contact=rng.choice((buyer, it)), employee=customer.owner,
                                         strength=rng.randint(3, 5))]
        if customer.owner.manager_id:
            knows.append(ContactEmployeeRelation(contact=boss, employee_id=customer.owner.manager_id,
                                                 strength=rng.randint(2, 4)))
        ContactEmployeeRelation.objects.bulk_create(knows)
        made += 1
    ctx.created["relationship maps"] = (made, len(chosen))
