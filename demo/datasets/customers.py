"""The benchmark's customers and what hangs on them, in bulk (`manage.py bench_dataset`).

On the org tree and people of `manage.py bench_data` (its `build_units` / `build_people`):
  transfers     a share of the sellers moved to another unit at a time in the history (an audit row
                on the employee); about half of the customers they had by then handed over to a
                colleague of the old unit (an audit row per customer, as org.handover writes them),
                the rest moved with them
  customers     Chinese names, valid unique credit codes, landlines; a few heavy owners with ten
                times the average; 30 % tagged; one big customer (BIG_CUSTOMER) that the activities
                pile on; a share of near-duplicates of earlier customers, labelled
  contacts      1–5 per customer (3 on average): Chinese names, mobiles, titles, departments
  shares        5 % of the customers, to single sellers and to account teams
Every row gets its id here and is written by demo.datasets.bulk (COPY on PostgreSQL).
"""

import datetime
import time

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from core.models import ObjectChange, Share
from core.search import MAX_KEY_LENGTH, search_key_for
from customers.demo import RowValues
from customers.models import Contact, Customer
from customers.models.matching import MATCH_KEYS
from demo import generators as gen
from org.models import Employee, Team

from .bulk import Writer, as_json, columns

BATCH = 50_000
# The customer the activities pile on (documented in docs/benchmarks.md): a name the generator
# never makes (its regions are cities and provinces), so a search finds exactly this one.
BIG_CUSTOMER = "中国鼎盛控股集团有限公司"
HANDOVER_REASON = "调岗交接"
CONTACT_COUNTS = ([1, 2, 3, 4, 5], [1, 2, 4, 2, 1])  # 3 on average
# Near-duplicate spellings: how two people type the same company (customers.dedupe matches them).
TRADITIONAL = str.maketrans("华东国广电发业龙门马长时实资机汇达联创网络贸医药药术", "華東國廣電發業龍門馬長時實資機匯達聯創網絡貿醫藥藥術")
HOMOPHONES = [("技术", "记术"), ("科技", "科枝"), ("信息", "信西"), ("贸易", "贸意"), ("电子", "电紫"),
              ("物流", "物留"), ("实业", "实叶")]


def near_duplicate(rng, name):
    """(variant of `name`, what changed)."""
    kinds = ["form", "city", "traditional", "homophone", "brackets"]
    rng.shuffle(kinds)
    for kind in kinds:
        if kind == "form":
            for old, new in (("股份有限公司", "有限公司"), ("有限责任公司", "有限公司"), ("有限公司", "有限责任公司")):
                if name.endswith(old):
                    return name[: -len(old)] + new, kind
        elif kind == "city":
            for city in sorted({p.city.removesuffix("市") for p in gen.PLACES}, key=len, reverse=True):
                if name.startswith(city + "市"):
                    return city + name[len(city) + 1:], kind
                if name.startswith(city) and not name.startswith(city + "（"):
                    return city + "市" + name[len(city):], kind
        elif kind == "traditional":
            variant = name.translate(TRADITIONAL)
            if variant != name:
                return variant, kind
        elif kind == "homophone":
            for old, new in HOMOPHONES:
                if old in name:
                    return name.replace(old, new, 1), kind
        elif kind == "brackets" and "（" in name:
            trade, rest = name.split("（", 1)
            city, tail = rest.split("）", 1)
            return f"{city}{trade}{tail}", kind
    return name + " ", "space"


class Keys:
    """A customer's search key and duplicate-matching keys, as Customer.save() computes them
    (core.search.search_key_for, customers.models.matching.MATCH_KEYS), with the pinyin of each name
    computed once: a million customers share some tens of thousands of names."""

    def __init__(self):
        self.tokens = {}
        self.names = {}
        self.fields = Customer.search_text_fields
        self.lengths = {key: Customer._meta.get_field(key).max_length for key in MATCH_KEYS}

    def _tokens(self, text):
        tokens = self.tokens.get(text)
        if tokens is None:
            tokens = search_key_for([text]).split(" ")
            if len(self.tokens) < 500_000:
                self.tokens[text] = tokens
        return tokens

    def customer(self, values):
        texts = [values.get(name) or "" for name in self.fields]
        search = " ".join(dict.fromkeys(t for text in texts if text.strip() for t in self._tokens(text) if t))
        row = {"search_key": search[:MAX_KEY_LENGTH]}
        name = values.get("name") or ""
        derived = self.names.get(name)
        if derived is None:
            derived = self.names[name] = {key: fn(name)[: self.lengths[key]] for key, (source, fn) in MATCH_KEYS.items()
                                          if source == "name"}
        row.update(derived)
        for key, (source, fn) in MATCH_KEYS.items():
            if source != "name":
                row[key] = fn(values.get(source) or "")[: self.lengths[key]]
        return row


class CustomerBuilder:
    def __init__(self, rng, people, *, log=print, now=None):
        """people: bench_data's build_people result (managers, sellers, by_name)."""
        self.rng = rng
        self.people = people
        self.log = log
        self.now = now or timezone.now()
        self.writer = Writer()
        self.customer_type = ContentType.objects.get_for_model(Customer)
        self.employee_type = ContentType.objects.get_for_model(Employee)
        self.by_name = people["by_name"]
        self.labels = {"duplicates": [], "heavy_owners": [], "transfers": []}

    # -- who owns what --------------------------------------------------------------------------

    def plan_owners(self, keep, heavy=3):
        """Owners and weights: sellers 0.5–1.5, department heads 0.3, `heavy` sellers ten times the
        average. `keep`: usernames never transferred nor heavy (the documented logins)."""
        rng = self.rng
        owners, weights = [], []
        for username, _unit, _title, _role in self.people["sellers"]:
            owners.append(self.by_name[username])
            weights.append(1.0 if username == "bench.seller" else rng.uniform(0.5, 1.5))
        for username, _unit, _title, role in self.people["managers"]:
            if role == "dept_manager":
                owners.append(self.by_name[username])
                weights.append(0.3)
        average = sum(weights) / len(weights)
        free = [i for i, e in enumerate(owners) if e.username not in keep and e.username.startswith("bench.s")]
        for i in rng.sample(free, min(heavy, len(free))):
            weights[i] = 10 * average
            self.labels["heavy_owners"].append(owners[i].username)
        self.owners, self.weights = owners, weights

    def transfer(self, share, keep):
        """Move `share` of all users (sellers only, not `keep` nor the heavy owners) to another
        department or team, each at a moment of the last two years; the customers they owned by then
        are half handed over to a colleague of the old unit when their rows are written."""
        rng = self.rng
        sellers = [self.by_name[u] for u, _n, _t, _r in self.people["sellers"]]
        total_users = len(self.by_name)
        heavy = set(self.labels["heavy_owners"])
        free = [e for e in sellers if e.username not in keep and e.username not in heavy]
        moving = rng.sample(free, min(len(free), round(share * total_users)))
        units = {}
        for e in sellers:
            units.setdefault(e.unit_id, []).append(e)
        leaf_units = sorted(units)
        managers = {unit.pk: self.by_name[u] for u, unit, _t, _r in self.people["managers"]}
        unit_names = {unit.pk: unit.name for _u, unit, _t, _r in self.people["managers"]}
        self.moves = {}
        audit = []
        for employee in moving:
            old_unit = employee.unit_id
            new_unit = rng.choice([u for u in leaf_units if u != old_unit] or [old_unit])
            colleagues = [e for e in units[old_unit] if e.pk != employee.pk and e not in moving]
            successor = rng.choice(colleagues) if colleagues else managers[old_unit]
            when = self.now - datetime.timedelta(days=rng.uniform(30, 700))
            old_manager = employee.manager_id
            employee.unit_id = new_unit
            employee.manager_id = managers[new_unit].pk
            self.moves[employee.pk] = (when, old_unit, successor)
            self.labels["transfers"].append({"username": employee.username, "from_unit": old_unit,
                                             "to_unit": new_unit, "at": when.isoformat(),
                                             "successor": successor.username})
            audit.append(self._change(when, self.employee_type, employee.pk, str(employee),
                                      {"unit": {"id": old_unit, "label": unit_names.get(old_unit, "")},
                                       "manager": {"id": old_manager}},
                                      {"unit": {"id": new_unit, "label": unit_names.get(new_unit, "")},
                                       "manager": {"id": employee.manager_id}}))
        Employee.objects.bulk_update(moving, ["unit", "manager"], batch_size=1000)
        self.audit = audit
        return len(moving)

    def _change(self, when, content_type, object_id, label, before, after, actor=None):
        return {"time": when, "user_id": actor.pk if actor else None,
                "user_name": actor.get_username() if actor else "", "request_id": None, "action": "update",
                "content_type_id": content_type.pk, "object_id": object_id, "object_repr": label[:200],
                "prechange_data": as_json(before), "postchange_data": as_json(after)}

    # -- customers, tags, contacts ----------------------------------------------------------------

    def customers(self, total, duplicate_share=0.03, tag_share=0.3, contact_counts=CONTACT_COUNTS):
        rng, writer, now = self.rng, self.writer, self.now
        chosen = rng.choices(self.owners, weights=self.weights, k=total)
        big_owner = self.by_name[self.labels["heavy_owners"][0]] if self.labels["heavy_owners"] else chosen[0]
        codes = gen.UniqueCodes(Customer.all_objects.exclude(credit_code="").values_list("credit_code", flat=True))
        tags = {name: Tag.objects.filter(name=name).first() or Tag.objects.create(name=name) for name in gen.TAGS}
        to_row = RowValues()
        c_cols, c_names, c_defaults = columns(Customer)
        keys = Keys()
        k_cols, k_names, k_defaults = columns(Contact)
        o_cols, o_names, o_defaults = columns(ObjectChange)
        table, contact_table = Customer._meta.db_table, Contact._meta.db_table
        next_id = writer.next_id(table)
        next_contact = writer.next_id(contact_table)
        next_tag = writer.next_id(TaggedItem._meta.db_table)
        next_change = writer.next_id(ObjectChange._meta.db_table)
        unit_of = {e.pk: e.unit_id for e in self.by_name.values()}
        names = {e.pk: str(e) for e in self.by_name.values()}
        contact_keys = {}
        earlier = []  # (id, name, phone) of customers written, for near-duplicates
        self.first_id, self.big_customer = next_id, None
        started = time.monotonic()
        audit = [dict(row, id=None) for row in self.audit]
        for row in audit:
            row["id"], next_change = next_change, next_change + 1
        writer.write(ObjectChange._meta.db_table, o_cols, [tuple(r.get(n, o_defaults[n]) for n in o_names)
                                                            for r in audit])
        counts = {"customers": 0, "contacts": 0, "tags": 0, "handovers": 0, "duplicates": 0}
        for start in range(0, total, BATCH):
            rows, tag_rows, contact_rows, audit = [], [], [], []
            for index, owner in enumerate(chosen[start:start + BATCH], start=start):
                if index == 0:
                    owner = big_owner
                values, where = gen.customer(rng)
                duplicate_of = None
                if index == 0:
                    values["name"], values["short_name"] = BIG_CUSTOMER, "鼎盛控股"
                elif earlier and rng.random() < duplicate_share:
                    duplicate_of = earlier[rng.randrange(len(earlier))]
                    values["name"], kind = near_duplicate(rng, duplicate_of[1])
                    if rng.random() < 0.5:
                        values["phone"] = duplicate_of[2]
                    if rng.random() < 0.5:  # entered without its credit code
                        values["credit_code"] = ""
                while values["credit_code"] and not codes.claim(values["credit_code"]):
                    values["credit_code"] = gen.credit_code(rng, where)
                created, updated = gen.history(rng, now, max_age_days=3 * 365, mean_days_to_update=90)
                owner_id, unit_id = owner.pk, unit_of[owner.pk]
                move = self.moves.get(owner_id)
                if move and created < move[0] and rng.random() < 0.5:
                    when, old_unit, successor = move
                    owner_id, unit_id = successor.pk, unit_of[successor.pk]
                    updated = max(updated, when)
                    audit.append(self._change(
                        when, self.customer_type, next_id, values["name"],
                        {"owner": {"id": owner.pk, "label": names[owner.pk]}, "org_unit": {"id": old_unit}},
                        {"owner": {"id": successor.pk, "label": names[successor.pk]},
                         "org_unit": {"id": unit_id}, "handover": HANDOVER_REASON}, actor=None))
                row = to_row(values)
                row.update(keys.customer(values), id=next_id, owner_id=owner_id, org_unit_id=unit_id,
                           created_at=created, updated_at=updated, created_by_id=owner.pk,
                           updated_by_id=owner_id, owned_since=created)
                rows.append(tuple(row.get(n, c_defaults[n]) for n in c_names))
                if index == 0:
                    self.big_customer = {"id": next_id, "name": BIG_CUSTOMER, "credit_code": values["credit_code"],
                                         "owner": owner.username}
                if duplicate_of is not None:
                    self.labels["duplicates"].append([duplicate_of[0], next_id, kind])
                    counts["duplicates"] += 1
                else:
                    earlier.append((next_id, values["name"], values["phone"]))
                for name in gen.tags(rng, share=tag_share):
                    tag_rows.append((next_tag, tags[name].pk, self.customer_type.pk, next_id))
                    next_tag += 1
                for _ in range(rng.choices(*contact_counts)[0]):
                    person = gen.contact(rng, where)
                    if person["name"] not in contact_keys:
                        contact_keys[person["name"]] = Contact(name=person["name"]).build_search_key()
                    moment = created + (updated - created) * rng.random()
                    person.update(id=next_contact, customer_id=next_id, search_key=contact_keys[person["name"]],
                                  created_at=moment, updated_at=moment, created_by_id=owner_id,
                                  updated_by_id=owner_id, version=1)
                    contact_rows.append(tuple(person.get(n, k_defaults[n]) for n in k_names))
                    next_contact += 1
                next_id += 1
            for row in audit:
                row["id"], next_change = next_change, next_change + 1
            writer.write(table, c_cols, rows)
            writer.write(contact_table, k_cols, contact_rows)
            writer.write(TaggedItem._meta.db_table, ["id", "tag_id", "content_type_id", "object_id"], tag_rows)
            writer.write(ObjectChange._meta.db_table, o_cols,
                         [tuple(r.get(n, o_defaults[n]) for n in o_names) for r in audit])
            counts["customers"] += len(rows)
            counts["contacts"] += len(contact_rows)
            counts["tags"] += len(tag_rows)
            counts["handovers"] += len(audit)
            self.log(f"  {counts['customers']:,} customers, {counts['contacts']:,} contacts, "
                     f"{time.monotonic() - started:.0f} s")
        self.last_id = next_id - 1
        return counts

    # -- shares ----------------------------------------------------------------------------------

    def shares(self, share=0.05, team_size=4):
        """`share` of the customers shared: three in four to a seller, the rest to an account team of
        `team_size` sellers. bench.seller gets five and sits on the first team."""
        rng, writer = self.rng, self.writer
        ids = range(self.first_id, self.last_id + 1)
        shared = rng.sample(ids, round(share * len(ids)))
        sellers = [self.by_name[u].pk for u, _n, _t, _r in self.people["sellers"]]
        bench_seller = self.by_name["bench.seller"].pk
        teams = []
        for index in range(max(5, len(shared) // 40)):
            team = Team.objects.create(name=f"客户团队{index + 1:03d}", kind=Team.Kind.ACCOUNT)
            members = rng.sample(sellers, min(team_size, len(sellers)))
            if index == 0 and bench_seller not in members:
                members.append(bench_seller)
            team.members.add(*members)
            teams.append(team.pk)
        s_cols, s_names, s_defaults = columns(Share)
        next_id = writer.next_id(Share._meta.db_table)
        rows = []
        for position, object_id in enumerate(sorted(shared)):
            values = {"id": next_id, "content_type_id": self.customer_type.pk, "object_id": object_id,
                      "created_at": self.now - datetime.timedelta(days=rng.uniform(0, 700))}
            if position < 5:
                values.update(employee_id=bench_seller, role="协同销售")
            elif position < 5 + len(teams) or rng.random() >= 0.75:
                values.update(team_id=teams[position % len(teams)], role="客户团队")
            else:
                values.update(employee_id=rng.choice(sellers), role="协同销售", can_change=rng.random() < 0.3)
            rows.append(tuple(values.get(n, s_defaults[n]) for n in s_names))
            next_id += 1
        for start in range(0, len(rows), BATCH):
            writer.write(Share._meta.db_table, s_cols, rows[start:start + BATCH])
        return len(rows), len(teams)
