"""Account team by product line and customer strategy: the generated suites, plus what only they do."""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.models import ObjectChange
from core.testing.api import APITests
from core.testing.badinput import BadInputTests
from core.testing.expectations import FollowsParent
from core.testing.pages import PageTests
from core.testing.queries import QueryCountTests
from core.testing.randomized import RandomizedScopeTests
from core.testing.scope import ScopeTests
from customers.models import AccountTeamMember, Customer, CustomerStrategy
from customers.tests.expectations import CustomerRecords, StrategyRecords
from customers.tests.factories import CustomerFactory
from customers.tests.test_customers import build_customer_scope_rows
from org.tests.factories import EmployeeFactory, ProductLineFactory


def line(code="AUTO", name="自动化"):
    return ProductLineFactory(code=code, name=name)


def member_for(customer, *, label, product_line=None, role="account_manager", employee=None):
    """A membership whose employee is named `label` (so exports, whose first column is the member,
    can be told apart), outside every unit and reporting line: no manager reaches them."""
    employee = employee or EmployeeFactory(last_name=label, first_name="", unit=None)
    return AccountTeamMember.objects.create(customer=customer, employee=employee,
                                            product_line=product_line or line(), role=role, notes=label)


class TestAccountTeamMember(PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests, RandomizedScopeTests):
    model = AccountTeamMember
    rule = FollowsParent("customer", CustomerRecords())
    actor = "ceo"
    label_field = "notes"
    views = ("list", "detail", "add", "edit", "delete", "bulk_delete")
    search_terms = ("甲", "乙", "丙")
    query_users = ("ceo", "seller1")

    def make(self, ctx, *, owner=None, customer=None, notes=None, **fields):
        customer = customer or CustomerFactory(owner=owner or ctx.users[self.actor])
        label = notes or ctx.unique("成员")
        fields.setdefault("product_line", ProductLineFactory())
        return member_for(customer, label=label, **fields)

    def make_related(self, ctx, field, owner):
        return CustomerFactory(owner=owner)

    def scope_rows(self, ctx):
        rows = []
        for index, customer in enumerate(build_customer_scope_rows(ctx)):
            rows.append(member_for(customer, label=f"{customer.name[0]}成员{index}"))
        AccountTeamMember.all_objects.filter(pk=rows[1].pk).update(deleted_at=timezone.now())
        return rows

    def create_fields(self, ctx):
        customer = CustomerFactory(owner=ctx.users["seller1"])
        return {"customer": str(customer.pk), "employee": str(ctx.users["seller2"].pk),
                "product_line": str(line().pk), "role": "account_manager", "start_date": "2026-01-05",
                "notes": "华东项目"}

    @staticmethod
    def _second_manager(data):
        """The customer already has an account manager for this line."""
        customer = Customer.objects.get(pk=data["customer"])
        AccountTeamMember.objects.create(customer=customer, employee=EmployeeFactory(), role="account_manager",
                                         product_line_id=data["product_line"])
        return data

    @staticmethod
    def _inactive_employee(data):
        return {**data, "employee": str(EmployeeFactory(is_active=False).pk)}

    invalid_fields = [
        ("customer", {"customer": ""}),
        ("customer", {"customer": "99999999"}),
        ("employee", {"employee": ""}),
        ("employee", _inactive_employee),
        ("product_line", {"product_line": ""}),
        ("product_line", _second_manager),
        ("role", {"role": "boss"}),
        ("start_date", {"start_date": "2026-13-45"}),
    ]

    def edit_changes(self, ctx):
        return ({"notes": "负责华北", "role": "presales"}, {"notes": "负责华南"})

    def api_create_data(self, ctx):
        customer = CustomerFactory(owner=ctx.users["seller1"])
        return {"customer": customer.pk, "employee": ctx.users["seller2"].pk, "product_line": line().pk,
                "role": "account_manager", "notes": "接口创建"}

    @staticmethod
    def _api_second_manager(data):
        customer = Customer.objects.get(pk=data["customer"])
        AccountTeamMember.objects.create(customer=customer, employee=EmployeeFactory(), role="account_manager",
                                         product_line_id=data["product_line"])
        return data

    api_invalid = [
        ("customer", {"customer": 99999999}),
        ("employee", {"employee": None}),
        ("product_line", {"product_line": "abc"}),
        ("product_line", _api_second_manager),
        ("role", {"role": "boss"}),
    ]

    def api_changes(self, ctx):
        # Notes stay for the colleague of the lost-update test.
        return ({"role": "service", "start_date": "2026-02-01"}, {"role": "presales"})

    ordering_field = "notes"


class TestCustomerStrategy(PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests, RandomizedScopeTests):
    model = CustomerStrategy
    rule = StrategyRecords()
    actor = "ceo"
    label_field = "title"
    views = ("list", "detail", "add", "edit", "delete", "bulk_delete")
    search_terms = ("甲", "乙", "丙")
    query_users = ("ceo", "seller1")

    def make(self, ctx, *, owner=None, customer=None, title=None, **fields):
        customer = customer or CustomerFactory(owner=owner or ctx.users[self.actor])
        fields.setdefault("product_line", ProductLineFactory())
        return CustomerStrategy.objects.create(customer=customer, title=title or ctx.unique("策略"),
                                               needs="产线自动化改造", plan="三季度前完成试点", **fields)

    def make_related(self, ctx, field, owner):
        return CustomerFactory(owner=owner)

    def scope_rows(self, ctx):
        rows = []
        for index, customer in enumerate(build_customer_scope_rows(ctx)):
            rows.append(self.make(ctx, customer=customer, title=f"{customer.name[0]}策略{index}"))
        CustomerStrategy.all_objects.filter(pk=rows[2].pk).update(deleted_at=timezone.now())
        return rows

    def create_fields(self, ctx):
        customer = CustomerFactory(owner=ctx.users["seller1"])
        return {"customer": str(customer.pk), "product_line": str(line().pk), "title": "自动化突破",
                "needs": "降本增效", "strengths": "本地服务", "competitors": "西门子、ABB", "plan": "先做一条产线"}

    @staticmethod
    def _second_strategy(data):
        customer = Customer.objects.get(pk=data["customer"])
        CustomerStrategy.objects.create(customer=customer, product_line_id=data["product_line"], title="已有")
        return data

    invalid_fields = [
        ("customer", {"customer": ""}),
        ("title", {"title": ""}),
        ("title", {"title": "长" * 101}),
        ("product_line", {"product_line": ""}),
        ("product_line", _second_strategy),
    ]

    def edit_changes(self, ctx):
        return ({"plan": "扩大到三条产线", "competitors": "施耐德"}, {"plan": "暂缓"})

    def api_create_data(self, ctx):
        customer = CustomerFactory(owner=ctx.users["seller1"])
        return {"customer": customer.pk, "product_line": line().pk, "title": "楼宇策略", "needs": "节能"}

    api_invalid = [
        ("customer", {"customer": 99999999}),
        ("title", {"title": ""}),
        ("product_line", {"product_line": None}),
        ("product_line", _second_strategy),
    ]

    def api_changes(self, ctx):
        return ({"plan": "接口修改计划", "needs": "更多"}, {"plan": "再改"})

    ordering_field = "title"

    def setup_class_data(self, ctx):
        super().setup_class_data(ctx)
        # seller1 is the account manager of the line of the 南区 unit customer's strategy: they see
        # that customer and may change that strategy (and, with the hierarchy setting, their managers).
        strategy = next(row for row in ctx.scope_rows if row.customer.name == "乙·南区单元客户")
        member_for(strategy.customer, label="一号经理", product_line=strategy.product_line,
                   employee=ctx.users["seller1"])

    def spread_random(self, ctx, rng, org, rows):
        for strategy in rows:
            if rng.random() < 0.5:
                AccountTeamMember.objects.create(
                    customer=strategy.customer, employee=rng.choice(org.people), product_line=strategy.product_line,
                    role=rng.choice(["account_manager", "presales"]))

    def test_account_manager_changes_only_their_own_line(self, ctx, client):
        """seller1 manages the 自动化 line of a 南区 customer: they see and may edit that strategy, and
        do not even see the 楼宇 one of the same customer (互不干预, issue 9), though they see the customer."""
        customer = CustomerFactory(owner=ctx.users["south_seller"])
        auto, building = line(), line("BLDG", "楼宇")
        member_for(customer, label="一号", product_line=auto, employee=ctx.users["seller1"])
        mine = self.make(ctx, customer=customer, product_line=auto, title="自动化策略")
        theirs = self.make(ctx, customer=customer, product_line=building, title="楼宇策略")
        self.login(client, ctx, "seller1")
        assert client.get(f"/customers/{customer.pk}/").status_code == 200
        assert client.get(self.url("detail", mine)).status_code == 200
        assert client.get(self.url("detail", theirs)).status_code == 404
        listed = client.get(self.api_url(), {"customer": customer.pk}).json()["results"]
        assert [row["title"] for row in listed] == ["自动化策略"]
        response = self.send(client, "patch", self.api_url(mine), {"plan": "一号的计划"})
        assert response.status_code == 200, response.content
        response = self.send(client, "patch", self.api_url(theirs), {"plan": "越线"})
        assert response.status_code == 404
        assert self.fresh(theirs).plan != "越线"


# --- what only the account team does ------------------------------------------------------------


def audit_rows(model, obj):
    return ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=obj.pk)


class TestCustomerAccountTeamRandom(RandomizedScopeTests):
    """Random organisations with random account teams: who sees which customer, hierarchy on and off."""

    model = Customer
    rule = CustomerRecords()
    random_seeds = range(6)

    def make(self, ctx, *, owner=None, **fields):
        return CustomerFactory(owner=owner or ctx.users["ceo"], **fields)

    def spread_random(self, ctx, rng, org, rows):
        lines = [line(), line("BLDG", "楼宇"), line("MED", "医疗")]
        for customer in rows:
            for product_line in lines:
                if rng.random() < 0.35:
                    member = AccountTeamMember.objects.create(
                        customer=customer, employee=rng.choice(org.people), product_line=product_line,
                        role=rng.choice(["account_manager", "presales", "service"]))
                    if rng.random() < 0.15:  # taken off the team: grants nothing any more
                        AccountTeamMember.all_objects.filter(pk=member.pk).update(deleted_at=timezone.now())
