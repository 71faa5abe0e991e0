"""Bulk data for the scoped-list benchmark (bench/scoped_list.py).

    manage.py bench_data --customers 200000 --users 1000 --units 250

An org tree 4–5 levels deep (HQ → regions → branches → departments → teams), one manager per unit
and sellers below them, customers spread over the owners, a few thousand shares and team shares.
Three known logins, password "bench": bench.ceo (whole company), bench.branch (manager of a
branch: its subtree), bench.seller (a seller: own records and shares).

Runs once per database: when the bench users are already there it says so and stops. On
PostgreSQL it ends with VACUUM (ANALYZE).
"""

import time

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from core.models import Share
from customers.demo import RowValues
from customers.models import Customer
from demo import generators as gen
from demo.builders import ensure_roles, is_postgresql, manual_timestamps
from org.models import Employee, OrgUnit, Team

BENCH_PASSWORD = "bench"  # noqa: S105  (documented benchmark login)
REGION_NAMES = ["华北区", "华东区", "华南区", "华中区", "西南区", "西北区", "东北区", "港澳区"]
BRANCH_CITIES = [
    "北京", "天津", "石家庄", "太原", "济南", "青岛", "上海", "南京", "苏州", "杭州", "宁波", "合肥", "福州",
    "厦门", "广州", "深圳", "东莞", "佛山", "南宁", "海口", "武汉", "长沙", "郑州", "南昌", "成都", "重庆",
    "昆明", "贵阳", "西安", "兰州", "银川", "乌鲁木齐", "沈阳", "长春", "哈尔滨", "大连", "呼和浩特", "西宁",
]
DEPT_NAMES = ["销售一部", "销售二部", "销售三部", "大客户部", "行业客户部", "渠道部", "销售四部", "销售五部"]
TEAM_NAMES = ["一组", "二组", "三组", "四组"]
FANOUT = (5, 6, 6)  # at most 5 regions; 6 branches per region, 6 departments per branch; then teams


class Command(BaseCommand):
    help = "Generate the benchmark dataset (org tree, users, customers, shares) in bulk."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=200_000)
        parser.add_argument("--users", type=int, default=1000)
        parser.add_argument("--units", type=int, default=250)
        parser.add_argument("--batch", type=int, default=5000, help="rows per INSERT")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, customers, users, units, batch, seed, **options):
        if Employee.objects.filter(username="bench.ceo").exists():
            count = Customer.objects.count()
            self.stdout.write(f"Benchmark data already present ({count} customers); nothing to do.")
            return
        if units < 4 or users < units + 1:
            raise CommandError("Need at least 4 units (HQ, region, branch, department) and more users than units.")
        self.rng = gen.seeded(seed)
        self.batch = batch
        timings = {}
        started = time.monotonic()
        with transaction.atomic():
            self.roles = ensure_roles(["executive", "region_manager", "branch_manager", "dept_manager", "seller"])
            tree = self.build_units(units)
            timings["org units"] = time.monotonic() - started
            people = self.build_people(tree, users)
            timings["users"] = time.monotonic() - started
            self.build_customers(people, customers)
            timings["customers"] = time.monotonic() - started
            self.build_shares(people)
            timings["shares"] = time.monotonic() - started
        if is_postgresql() and not connection.in_atomic_block:  # (inside a test's transaction: no VACUUM)
            # Fresh statistics for the planner, and the visibility map set (index-only scans), as
            # autovacuum would leave them some minutes later: the benchmark should not race it.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
            timings["vacuum analyze"] = time.monotonic() - started
        marks = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
        self.stdout.write(self.style.SUCCESS(
            f"Benchmark data: {OrgUnit.objects.count()} units, {Employee.objects.count()} users, "
            f"{Customer.objects.count()} customers, {Share.objects.count()} shares in "
            f"{time.monotonic() - started:.1f} s ({marks}).\n"
            f"Logins (password \"{BENCH_PASSWORD}\"): bench.ceo, bench.branch, bench.seller."
        ))

    # -- org tree ---------------------------------------------------------------------------------

    def build_units(self, total):
        """Levels of OrgUnit: [[HQ], [regions], [branches], [departments], [teams]].

        Region by region, each filled with its branches and their departments, so that even a
        small tree has every level; what is left over becomes teams spread over the departments.
        """
        hq = OrgUnit(code="B-HQ", name="总部", kind=OrgUnit.Kind.COMPANY)
        hq.save()
        levels = [[hq], [], [], [], []]
        branches, departments = FANOUT[1], FANOUT[2]
        regions = min(FANOUT[0], max(1, (total - 1) // (1 + branches * (1 + departments))))
        count = 1
        for _r in range(regions):
            if count >= total:
                break
            region = self._unit(hq, OrgUnit.Kind.REGION, 1, 0, len(levels[1]))
            levels[1].append(region)
            count += 1
            for _b in range(branches):
                if count >= total:
                    break
                branch = self._unit(region, OrgUnit.Kind.BRANCH, 2, 0, len(levels[2]))
                levels[2].append(branch)
                count += 1
                for index in range(departments):
                    if count >= total:
                        break
                    levels[3].append(self._unit(branch, OrgUnit.Kind.DEPARTMENT, 3, index, len(levels[3])))
                    count += 1
        parents = levels[3]
        step = max(1, len(parents) // max(1, total - count))
        index = 0
        while count < total and parents:
            parent = parents[(index * step) % len(parents)]
            levels[4].append(self._unit(parent, OrgUnit.Kind.TEAM, 4, index // len(parents), len(levels[4])))
            count += 1
            index += 1
        return [level for level in levels if level]

    def _unit(self, parent, kind, depth, index, serial):
        if kind == OrgUnit.Kind.REGION:
            name = REGION_NAMES[serial % len(REGION_NAMES)] + (str(serial // len(REGION_NAMES)) if serial >= 8 else "")
        elif kind == OrgUnit.Kind.BRANCH:
            city = BRANCH_CITIES[serial % len(BRANCH_CITIES)]
            name = f"{city}分公司" + (str(serial // len(BRANCH_CITIES) + 1) if serial >= len(BRANCH_CITIES) else "")
        elif kind == OrgUnit.Kind.DEPARTMENT:
            name = parent.name.removesuffix("分公司") + DEPT_NAMES[index % len(DEPT_NAMES)]
        else:
            name = parent.name + TEAM_NAMES[index % len(TEAM_NAMES)]
        unit = OrgUnit(code=f"B-{depth}-{serial:04d}", name=name, kind=kind, parent=parent)
        unit.save()
        return unit

    # -- people -----------------------------------------------------------------------------------

    def build_people(self, levels, total):
        rng = self.rng
        password = make_password(BENCH_PASSWORD)
        roles_by_depth = ["executive", "region_manager", "branch_manager", "dept_manager", "dept_manager"]
        titles_by_depth = ["总经理", "大区经理", "分公司总经理", "部门经理", "组长"]
        all_units = [unit for level in levels for unit in level]
        depth_of = {unit.pk: depth for depth, level in enumerate(levels) for unit in level}
        # bench.branch manages the first branch that has a team below a department (five levels).
        team_parents = {team.parent_id for team in (levels[4] if len(levels) > 4 else [])}
        branch = next((b for b in levels[2] if any(d.parent_id == b.pk and d.pk in team_parents for d in levels[3])),
                      levels[2][0])
        seller_unit = next(u for u in levels[3] if u.parent_id == branch.pk)

        managers, sellers = [], []
        for unit in all_units:
            depth = depth_of[unit.pk]
            if unit.pk == levels[0][0].pk:
                username = "bench.ceo"
            elif unit.pk == branch.pk:
                username = "bench.branch"
            else:
                username = f"bench.m{unit.pk}"
            managers.append((username, unit, titles_by_depth[depth], roles_by_depth[depth]))
        # Sellers sit in departments and teams (the leaves of the sales organisation).
        leaves = [unit for level in levels[3:] for unit in level] or all_units
        for index in range(total - len(managers)):
            unit = seller_unit if index == 0 else leaves[index % len(leaves)]
            username = "bench.seller" if index == 0 else f"bench.s{index:05d}"
            sellers.append((username, unit, "客户经理", "seller"))

        rows = []
        for username, unit, title, _role in managers + sellers:
            surname, given = gen.person_name(rng)
            rows.append(Employee(username=username, last_name=surname, first_name=given, title=title,
                                 email=f"{username}@bench.kedao.invalid", mobile=gen.mobile(rng), unit=unit,
                                 password=password))
        Employee.objects.bulk_create(rows, batch_size=self.batch)
        by_name = {e.username: e for e in Employee.objects.filter(username__startswith="bench.")}
        unit_manager = {unit.pk: by_name[username] for username, unit, _t, _r in managers}
        # Solid lines: seller → the unit's manager → the parent unit's manager → … → bench.ceo.
        updated = []
        for username, unit, _title, _role in managers:
            employee = by_name[username]
            employee.manager = unit_manager.get(unit.parent_id)
            updated.append(employee)
        for username, unit, _title, _role in sellers:
            employee = by_name[username]
            employee.manager = unit_manager[unit.pk]
            updated.append(employee)
        Employee.objects.bulk_update(updated, ["manager"], batch_size=self.batch)
        OrgUnit.objects.bulk_update(
            [self._set_manager(unit, unit_manager[unit.pk]) for unit in all_units], ["manager"],
            batch_size=self.batch,
        )
        through = Employee.roles.through
        through.objects.bulk_create(
            (through(employee_id=by_name[u].pk, role_id=self.roles[r].pk) for u, _n, _t, r in managers + sellers),
            batch_size=self.batch,
        )
        # A few dotted lines: sellers who also report to the head of another department.
        heads = [by_name[u] for u, unit, _t, r in managers if r == "dept_manager"]
        dotted = Employee.dotted_managers.through
        pairs = {(by_name[u].pk, rng.choice(heads).pk) for u, _n, _t, _r in rng.sample(sellers, len(sellers) // 20)}
        dotted.objects.bulk_create(dotted(from_employee_id=a, to_employee_id=b) for a, b in pairs if a != b)
        return {"managers": managers, "sellers": sellers, "by_name": by_name}

    @staticmethod
    def _set_manager(unit, manager):
        unit.manager = manager
        return unit

    # -- customers --------------------------------------------------------------------------------

    def build_customers(self, people, total):
        rng = self.rng
        by_name = people["by_name"]
        owners, weights = [], []
        for username, _unit, _title, _role in people["sellers"]:
            owners.append(by_name[username])
            weights.append(1.0 if username == "bench.seller" else rng.uniform(0.5, 1.5))
        for username, _unit, _title, role in people["managers"]:
            if role == "dept_manager":
                owners.append(by_name[username])
                weights.append(0.3)
        chosen = rng.choices(owners, weights=weights, k=total)
        codes = gen.UniqueCodes(Customer.all_objects.exclude(credit_code="").values_list("credit_code", flat=True))
        tags = {name: Tag.objects.filter(name=name).first() or Tag.objects.create(name=name) for name in gen.TAGS}
        content_type = ContentType.objects.get_for_model(Customer)
        now = timezone.now()
        created_total = 0
        to_row = RowValues()
        with manual_timestamps(Customer):
            for start in range(0, total, self.batch):
                rows, row_tags = [], []
                for owner in chosen[start:start + self.batch]:
                    values, where = gen.customer(rng)
                    while not codes.claim(values["credit_code"]):
                        values["credit_code"] = gen.credit_code(rng, where)
                    created, updated = gen.history(rng, now, max_age_days=3 * 365, mean_days_to_update=90)
                    rows.append(Customer(**to_row(values), owner_id=owner.pk, org_unit_id=owner.unit_id, created_at=created,
                                         updated_at=updated, created_by_id=owner.pk, updated_by_id=owner.pk))
                    row_tags.append(gen.tags(rng, share=0.3))
                Customer.objects.bulk_create(rows)
                TaggedItem.objects.bulk_create(
                    TaggedItem(tag=tags[name], content_type=content_type, object_id=customer.pk)
                    for customer, names in zip(rows, row_tags, strict=True) for name in names
                )
                created_total += len(rows)
                if created_total % (self.batch * 8) == 0:
                    self.stdout.write(f"  {created_total} customers…")

    def build_shares(self, people):
        """Direct shares and account teams, bench.seller among the grantees."""
        rng = self.rng
        by_name = people["by_name"]
        content_type = ContentType.objects.get_for_model(Customer)
        seller_ids = [by_name[u].pk for u, _n, _t, _r in people["sellers"]]
        low, high = Customer.objects.order_by("pk").values_list("pk", flat=True)[:1].get(), \
            Customer.objects.order_by("-pk").values_list("pk", flat=True)[:1].get()
        bench_seller = by_name["bench.seller"]
        shares = {}
        for employee_id in [bench_seller.pk] * 5 + rng.choices(seller_ids, k=2000):
            shares[(rng.randint(low, high), employee_id)] = Share(
                content_type=content_type, object_id=0, employee_id=employee_id, role="协同销售")
        rows = []
        for (object_id, _employee_id), share in shares.items():
            share.object_id = object_id
            rows.append(share)
        for index in range(50):
            team = Team.objects.create(name=f"客户团队{index + 1:02d}", kind=Team.Kind.ACCOUNT)
            members = rng.sample(seller_ids, 4) + ([bench_seller.pk] if index == 0 else [])
            team.members.add(*members)
            for object_id in {rng.randint(low, high) for _ in range(10)}:
                rows.append(Share(content_type=content_type, object_id=object_id, team=team, role="客户团队"))
        Share.objects.bulk_create(rows, batch_size=self.batch)
