"""Projects (the test-only example type): the whole generated suite, declared as the guide says."""

from core.testing.api import APITests
from core.testing.badinput import BadInputTests
from core.testing.expectations import OwnedRecords
from core.testing.pages import PageTests
from core.testing.queries import QueryCountTests
from core.testing.randomized import RandomizedScopeTests
from core.testing.scope import ScopeTests
from customers.tests.factories import CustomerFactory
from tests.example_app.models import Project
from tests.example_app.tests.factories import ProjectFactory


class TestProject(PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests, RandomizedScopeTests):
    model = Project
    rule = OwnedRecords()
    actor = "ceo"
    query_users = ("ceo", "seller1")

    def make(self, ctx, *, owner=None, **fields):
        return ProjectFactory(owner=owner or ctx.users[self.actor], **fields)

    def make_related(self, ctx, field, owner):
        """A row for the relation `field` owned by `owner` (the related-field scope tests)."""
        assert field == "customer", field
        return CustomerFactory(owner=owner)

    def add_related(self, ctx, obj, user, count):
        super().add_related(ctx, obj, user, count)
        for index in range(count):
            obj.tags.add(f"标签{obj.pk}-{index}")

    # --- pages ----------------------------------------------------------------------------------

    def create_fields(self, ctx):
        customer = CustomerFactory(owner=ctx.users[self.actor])
        return {"name": "华北数据中心迁移", "customer": str(customer.pk), "stage": "running", "budget": "120000.00",
                "due_date": "2027-03-31", "sponsor": str(ctx.users["dept_head"].pk), "tags": "重点, 华北"}

    invalid_fields = [
        ("name", {"name": ""}),
        ("name", {"name": "名" * 201}),
        ("customer", {"customer": ""}),
        ("customer", {"customer": "99999999"}),
        ("stage", {"stage": "cancelled"}),
        ("budget", {"budget": "a lot"}),
        ("due_date", {"due_date": "2027-02-30"}),
        ("owner", {"owner": "99999999"}),
        ("sponsor", {"sponsor": "99999999"}),
    ]

    def edit_changes(self, ctx):
        return ({"name": "改名项目甲", "stage": "done", "tags": "收尾"},
                {"name": "改名项目乙", "budget": "5.00"})

    def bulk_edit_changes(self, ctx):
        return {"stage": "done"}

    # --- API ------------------------------------------------------------------------------------

    def api_create_data(self, ctx):
        customer = CustomerFactory(owner=ctx.users[self.actor])
        return {"name": "API新项目", "customer": customer.pk, "stage": "planning", "budget": "1000.00",
                "sponsor": ctx.users["dept_head"].pk, "tags": ["重点"]}

    api_invalid = [
        ("name", {"name": "名" * 201}),
        ("name", {"name": ["a", "list"]}),
        ("customer", {"customer": 99999999}),
        ("customer", {"customer": None}),
        ("stage", {"stage": "cancelled"}),
        ("budget", {"budget": "a lot"}),
        ("due_date", {"due_date": "2027-02-30"}),
        ("tags", {"tags": "not-a-list"}),
        ("owner", {"owner": 99999999}),
    ]

    def api_changes(self, ctx):
        return ({"name": "API改名一", "stage": "running"}, {"name": "API改名二"})
