"""The sales demo (sales/demo.py, sales/demo_deals.py): idempotent, and believable — the stage
histories, won/lost rules and gates hold on every demo deal, as if the sellers had used the app."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Sum

from customers.models import AccountTeamMember
from sales.models import (
    Lead,
    LeadStatus,
    Opportunity,
    OpportunityCompetitor,
    OpportunityDocument,
    OpportunityLine,
    OpportunityNote,
    OpportunityTeamMember,
    Pipeline,
    Product,
    StageChange,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    call_command("demo_data", customers=300, stdout=io.StringIO())


def snapshot():
    return {
        "opportunities": sorted(Opportunity.all_objects.values_list("id", "name", "stage_id", "amount", "updated_at")),
        "lines": OpportunityLine.all_objects.count(), "competitors": OpportunityCompetitor.all_objects.count(),
        "team": OpportunityTeamMember.all_objects.count(), "history": StageChange.objects.count(),
        "leads": sorted(Lead.all_objects.values_list("id", "name", "company", "status")),
        "documents": sorted(OpportunityDocument.all_objects.values_list("id", "file")),
        "notes": OpportunityNote.all_objects.count(), "products": Product.all_objects.count(),
    }


def test_the_sales_demo_twice_changes_nothing(demo):
    first = snapshot()
    call_command("demo_data", customers=300, stdout=io.StringIO())
    assert snapshot() == first


def test_the_sales_demo_is_believable(demo):
    assert Pipeline.objects.count() == 3
    for pipeline in Pipeline.objects.all():
        stages = list(pipeline.stages.order_by("order"))
        assert [s.name for s in stages] == ["线索确认", "需求分析", "方案/技术交流", "投标/报价", "商务谈判", "赢单", "丢单"]
        assert any(s.requirements for s in stages) and any(s.approval_threshold for s in stages)
        assert 10 <= Product.objects.filter(product_line=pipeline.product_line).count() <= 20

    leads = Lead.objects.all()
    assert leads.count() >= 300
    assert set(leads.values_list("status", flat=True)) == set(LeadStatus.values)
    assert not leads.filter(status=LeadStatus.DISQUALIFIED, disqualify_reason="").exists()
    assert not leads.filter(status=LeadStatus.CONVERTED, converted_customer__isnull=True).exists()

    deals = Opportunity.objects.select_related("stage", "close_reason", "won_by")
    assert deals.count() >= 300
    assert deals.values("org_unit__path").distinct().count() >= 10  # across the org tree
    assert deals.values("product_line").distinct().count() == 3
    statuses = dict(deals.values_list("status").annotate(n=Count("id")))
    assert statuses["open"] > statuses["won"] > 0 and statuses["lost"] > 0

    competitors = {}
    for deal_id, competitor_id in OpportunityCompetitor.objects.values_list("opportunity_id", "competitor_id"):
        competitors.setdefault(deal_id, set()).add(competitor_id)
    deciders = set(Opportunity.decision_makers.through.objects.values_list("opportunity_id", flat=True))
    lines = dict(OpportunityLine.objects.values("opportunity").annotate(n=Count("id")).values_list("opportunity", "n"))
    history = {}
    for change in StageChange.objects.select_related("from_stage", "to_stage").order_by("changed_at", "pk"):
        history.setdefault(change.opportunity_id, []).append(change)

    for deal in deals:
        assert deal.stage.pipeline_id == deal.pipeline_id and deal.pipeline.product_line_id == deal.product_line_id
        assert lines.get(deal.pk), f"{deal}: no line items"
        # Stage history: starts from nothing, each move starts where the last ended, ends at the stage.
        changes = history[deal.pk]
        assert changes[0].from_stage is None and changes[-1].to_stage == deal.stage
        for before, after in zip(changes, changes[1:], strict=False):
            assert after.from_stage == before.to_stage and after.changed_at >= before.changed_at
            assert after.to_stage.order > before.to_stage.order
        assert deal.stage_changed_at == changes[-1].changed_at and deal.created_at <= changes[0].changed_at
        if deal.status == "won":
            assert deal.close_reason.kind == "won" and deal.closed_at and deal.won_by is None
        elif deal.status == "lost":
            assert deal.close_reason.kind == "lost" and deal.closed_at
            assert deal.won_by_id in competitors.get(deal.pk, set()), f"{deal}: lost to a competitor not on it"
        else:
            assert deal.closed_at is None and deal.close_reason is None and deal.expected_close_date
        # The gates held when the deal entered its stages.
        passed = {c.to_stage.name for c in changes}
        if "投标/报价" in passed:
            assert deal.pk in deciders, f"{deal}: quoted without a decision maker"
        if "商务谈判" in passed:
            assert competitors.get(deal.pk), f"{deal}: negotiated without a competitor"

    # The amount is what the line items add up to.
    totals = {}
    for line in OpportunityLine.objects.all():
        totals[line.opportunity_id] = totals.get(line.opportunity_id, 0) + line.total
    assert all(deal.amount == totals[deal.pk] for deal in deals)
    assert Opportunity.objects.aggregate(s=Sum("amount"))["s"] > 10_000_000

    # Matrix teams, and a deal for every account-team place (product-line isolation shows).
    assert OpportunityTeamMember.objects.exclude(employee__unit=F("opportunity__org_unit")).exists()
    # (A customer in the public pool has no owner to own a deal.)
    for customer_id, line_id in AccountTeamMember.objects.filter(role="account_manager",
                                                                 customer__owner__isnull=False).values_list(
            "customer_id", "product_line_id"):
        assert Opportunity.objects.filter(customer_id=customer_id, product_line_id=line_id).exists()

    # The workspace: documents that download, strategy notes.
    document = OpportunityDocument.objects.first()
    assert document is not None and document.file.storage.exists(document.file.name)
    assert OpportunityNote.objects.exists()



def test_the_demo_has_collision_reviews_waiting_for_the_region_manager(demo):
    """A manager who logs in finds a collision review in “My approvals”, routed by the real
    services (never to one of the two sellers), and the log has a decided one."""
    from approvals.models import ApprovalRequest
    from sales.models import Collision

    reviews = list(ApprovalRequest.objects.filter(kind="sales.collision").select_related("approver"))
    assert {review.status for review in reviews} >= {"pending", "rejected"}
    assert "north.manager" in {review.approver.username for review in reviews if review.status == "pending"}
    for review in reviews:
        later = Opportunity.objects.get(pk=review.target_id)
        assert review.approver_id != later.owner_id
        assert later.registration_status == ("rejected" if review.status == "rejected" else "pending_review")
    assert Collision.objects.filter(status="rejected").exists() and Collision.objects.filter(status="pending").exists()
