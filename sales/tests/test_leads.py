"""Leads: the generated suite."""

from core.testing.api import APITests
from core.testing.badinput import BadInputTests
from core.testing.expectations import OwnedRecords
from core.testing.pages import PageTests
from core.testing.queries import QueryCountTests
from core.testing.randomized import RandomizedScopeTests
from core.testing.scope import ScopeTests
from sales.models import Lead
from sales.tests.factories import LeadFactory, LeadSourceFactory


class TestLead(PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests, RandomizedScopeTests):
    model = Lead
    rule = OwnedRecords()
    actor = "ceo"
    query_users = ("ceo", "seller1")

    def make(self, ctx, *, owner=None, **fields):
        return LeadFactory(owner=owner or ctx.users[self.actor], **fields)

    def create_fields(self, ctx):
        return {"name": "赵经理", "company": "苏州精密机械有限公司", "title": "设备部经理", "phone": "0512-66881234",
                "email": "zhao@example.cn", "province": "江苏省", "city": "苏州市",
                "source": str(LeadSourceFactory().pk), "status": "new"}

    invalid_fields = [
        ("name", {"name": ""}),
        ("email", {"email": "not-an-email"}),
        ("status", {"status": "converted"}),
        ("disqualify_reason", {"status": "disqualified", "disqualify_reason": ""}),
        ("source", {"source": "99999999"}),
        ("owner", {"owner": "99999999"}),
    ]

    def edit_changes(self, ctx):
        return ({"name": "改名线索甲", "status": "working"}, {"name": "改名线索乙", "company": "新公司"})

    def bulk_edit_changes(self, ctx):
        return {"status": "working"}

    def api_create_data(self, ctx):
        return {"name": "API线索", "company": "API公司", "status": "new"}

    api_invalid = [
        ("name", {"name": ""}),
        ("status", {"status": "converted"}),
        ("email", {"email": "x"}),
        ("disqualify_reason", {"status": "disqualified"}),
    ]

    def api_changes(self, ctx):
        return ({"name": "API改名一"}, {"status": "qualified"})
