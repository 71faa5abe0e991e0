"""Build the demo company: org tree, about 160 people, roles, teams, 2,000 customers and contacts.

Idempotent: everything has a stable code, username or credit code, and only what is missing is
created — a second run changes nothing.
"""

import time

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from core.models import Share
from customers.models import Contact, Customer
from demo import generators as gen
from demo.builders import ensure_roles, manual_timestamps
from demo.company import PRODUCT_LINES, PROJECT_TEAMS, build_company
from org.models import Employee, OrgUnit, ProductLine, Team

SEED = 20240601
DEMO_PASSWORD = "demo"  # noqa: S105  (documented demo login)
BATCH = 1000

LOGINS = [
    ("admin", "admin", "超级用户 superuser"),
    ("ceo", "demo", "总经理：全公司 (whole company)"),
    ("north.manager", "demo", "北区总经理：北区及下属分公司 (North region subtree)"),
    ("bj.manager", "demo", "北京分公司总经理 (a branch)"),
    ("bj.sales1.head", "demo", "北京销售一部经理：本人及下属 (subordinates)"),
    ("north.seller1", "demo", "北京销售一部客户经理：本人及共享 (own + shared)"),
    ("fin.manager", "demo", "财务经理：只读 (read-only)"),
    ("it.admin", "demo", "系统管理员 (administrator role)"),
]


class Command(BaseCommand):
    help = "Load the demo company (idempotent): org units, employees, roles, teams, customers, contacts."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=2000, help="customers to create (default 2000)")
        parser.add_argument("--seed", type=int, default=SEED)

    def handle(self, *args, customers, seed, **options):
        started = time.monotonic()
        self.created = {}
        with transaction.atomic():
            company = build_company()
            roles = ensure_roles()
            units = self.ensure_units(company)
            people = self.ensure_people(company, units, roles, seed)
            self.ensure_admin(units)
            self.ensure_product_lines_and_teams(company, people)
            specs = self.customer_specs(company, customers, seed)
            self.ensure_customers(specs, people, seed)
            self.ensure_shares(specs, people)
        elapsed = time.monotonic() - started
        self.summary(elapsed)

    # -- organisation -------------------------------------------------------------------------

    def ensure_units(self, company):
        existing = {unit.code: unit for unit in OrgUnit.all_objects.filter(code__in=[u.code for u in company.units])}
        created = 0
        for spec in company.units:  # parents come before their children
            if spec.code in existing:
                continue
            unit = OrgUnit(code=spec.code, name=spec.name, kind=spec.kind,
                           parent=existing[spec.parent] if spec.parent else None)
            unit.save()
            existing[spec.code] = unit
            created += 1
        self.created["org units"] = (created, len(existing))
        return existing

    def ensure_people(self, company, units, roles, seed):
        rng = gen.seeded(seed)
        usernames = [p.username for p in company.people]
        existing = {e.username: e for e in Employee.objects.filter(username__in=usernames)}
        password = make_password(DEMO_PASSWORD)  # hashed once: 160 hashes would take a minute
        new = []
        taken_names = set()
        for person in company.people:
            surname, given = gen.person_name(rng)
            while surname + given in taken_names:  # no two demo colleagues with the same name
                surname, given = gen.person_name(rng)
            taken_names.add(surname + given)
            phone = gen.mobile(rng)
            if person.username in existing:
                continue
            new.append(Employee(
                username=person.username, last_name=surname, first_name=given, title=person.title,
                email=f"{person.username}@kedao-demo.cn", mobile=phone, unit=units[person.unit],
                password=password, is_active=True,
            ))
        Employee.objects.bulk_create(new, batch_size=BATCH)
        new_names = {e.username for e in new}
        people = {e.username: e for e in Employee.objects.filter(username__in=usernames)}
        # Relations only for the people just created: a second run leaves edited people alone.
        fresh = [p for p in company.people if p.username in new_names]
        for person in fresh:
            people[person.username].manager = people.get(person.manager)
        Employee.objects.bulk_update([people[p.username] for p in fresh], ["manager"], batch_size=BATCH)
        Employee.roles.through.objects.bulk_create(
            Employee.roles.through(employee_id=people[p.username].pk, role_id=roles[p.role].pk) for p in fresh
        )
        Employee.dotted_managers.through.objects.bulk_create(
            Employee.dotted_managers.through(from_employee_id=people[p.username].pk,
                                             to_employee_id=people[d].pk)
            for p in fresh for d in p.dotted if d in people
        )
        for spec in company.units:
            unit = units[spec.code]
            if spec.manager and unit.manager_id is None and spec.manager in new_names:
                unit.manager = people[spec.manager]
                unit.save(update_fields=["manager"])
        self.fresh_people = fresh
        self.created["employees"] = (len(new), len(people))
        return people

    def ensure_admin(self, units):
        if Employee.objects.filter(username="admin").exists():
            self.created["superuser"] = (0, 1)
            return
        Employee.objects.create_superuser(
            "admin", "admin@kedao-demo.cn", "admin",  # noqa: S106  (documented demo login)
            last_name="管理员", first_name="系统", unit=units["HQ"], title="系统管理员",
        )
        self.created["superuser"] = (1, 1)

    def ensure_product_lines_and_teams(self, company, people):
        created_lines = created_teams = 0
        lines = {}
        for code, name, description, director in PRODUCT_LINES:
            line = ProductLine.objects.filter(code=code).first()
            if line is None:
                line = ProductLine.objects.create(code=code, name=name, description=description)
                created_lines += 1
            lines[code] = line
            team_name = f"{name}产品线团队"
            if not Team.objects.filter(name=team_name, kind=Team.Kind.PRODUCT_LINE).exists():
                team = Team.objects.create(name=team_name, kind=Team.Kind.PRODUCT_LINE, product_line=line,
                                           leader=people.get(director),
                                           description=f"{name}产品线总监与各分公司的{name}客户经理。")
                members = [people[director]] + [people[p.username] for p in company.people
                                                if code in p.product_lines and p.username in people]
                team.members.add(*members)
                created_teams += 1
        for person in self.fresh_people:
            if person.product_lines:
                people[person.username].product_lines.add(*(lines[c] for c in person.product_lines))
        for name, leader, members in PROJECT_TEAMS:
            if Team.objects.filter(name=name, kind=Team.Kind.PROJECT).exists():
                continue
            team = Team.objects.create(name=name, kind=Team.Kind.PROJECT, leader=people.get(leader),
                                       description="跨分公司的项目团队。")
            team.members.add(*(people[u] for u in [leader, *members] if u in people))
            created_teams += 1
        self.created["product lines"] = (created_lines, len(lines))
        self.teams_created = created_teams

    # -- customers ----------------------------------------------------------------------------

    def customer_specs(self, company, count, seed):
        """The demo customers as plain data, the same on every run: (owner username, values, place, tags)."""
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

    def ensure_customers(self, specs, people, seed):
        rng = gen.seeded(seed + 2)
        codes = [values["credit_code"] for _u, values, _p, _t in specs]
        existing = set()
        for start in range(0, len(codes), 500):
            existing |= set(Customer.all_objects.filter(credit_code__in=codes[start:start + 500])
                            .values_list("credit_code", flat=True))
        now = timezone.now()
        new, extras = [], []
        for username, values, place, tags in specs:
            # Draw the random history for every spec, created or not, so the stream stays the same.
            created, updated = gen.history(rng, now, max_age_days=730, mean_days_to_update=60)
            contacts = [gen.contact(rng, place) for _ in range(rng.choices((1, 2, 3), weights=(5, 3, 2))[0])]
            owner = people.get(username)
            if values["credit_code"] in existing or owner is None:
                continue
            new.append(Customer(**values, owner=owner, org_unit_id=owner.unit_id, created_at=created,
                                updated_at=updated, created_by=owner, updated_by=owner))
            extras.append((contacts, tags))
        with manual_timestamps(Customer, Contact):
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
        self.created["customers"] = (len(new), Customer.objects.count())
        self.created["contacts"] = (len(contact_rows), Contact.objects.count())

    def ensure_shares(self, specs, people):
        """Account teams on a few key customers, and one customer shared with north.seller1."""
        def customer_of(predicate):
            for username, values, _place, _tags in specs:
                if predicate(username, values):
                    found = Customer.objects.filter(credit_code=values["credit_code"]).first()
                    if found is not None:
                        return found
            return None

        content_type = ContentType.objects.get_for_model(Customer)
        created = 0

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
                self.teams_created += 1
            share(customer, team=team, role="客户团队", can_change=True)
        # The cross-branch project team works on one customer of its leader.
        project = Team.objects.filter(name=PROJECT_TEAMS[0][0], kind=Team.Kind.PROJECT).first()
        share(customer_of(lambda u, v: u == PROJECT_TEAMS[0][1] and v["industry"] == "energy")
              or customer_of(lambda u, v: u == PROJECT_TEAMS[0][1]), team=project, role="项目团队")
        self.created["teams"] = (self.teams_created, Team.objects.count())
        self.created["shares"] = (created, Share.objects.filter(content_type=content_type).count())

    # -- report -------------------------------------------------------------------------------

    def summary(self, elapsed):
        out = self.stdout
        out.write(self.style.SUCCESS(f"Demo data ready in {elapsed:.1f} s."))
        for label, (created, total) in self.created.items():
            out.write(f"  {label:<32} {total:>6} ({created} created)")
        out.write("\nLogins (username / password):")
        for username, password, description in LOGINS:
            out.write(f"  {username:<16} {password:<6} {description}")
        out.write('  Every other demo user (e.g. east.seller1, sh.manager) also has the password "demo".')
