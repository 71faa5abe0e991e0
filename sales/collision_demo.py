"""Collision reviews in the demo data (撞单): so that a manager who logs in finds reviews waiting in
"My approvals" and the collision log has history, as in a company that has used Kedao for a while.

Sellers of another branch of the same region register a deal that an earlier seller already
registered, on the same customer (shared with them) and the same products. (A record of their own
with the name written another way would collide too, but new customers would change what the
customers' and deals' demo builders draw on a second run.) Everything goes through the real services — the opportunity's create hook
finds the collision, the approvals app routes the review to the manager of the lowest unit both
sellers share (for north.seller1 and a Tianjin seller: north.manager) — and one review of each
region is decided (rejected: the first registered keeps the deal). Idempotent: nothing happens
when collisions exist already.
"""

from django.db import transaction

from org.models import Employee

from .models import Collision, Opportunity, OpportunityLine, OpportunityStatus, RegistrationStatus, Stage

# (first seller, later seller, how many deals, how many of them decided)
PAIRS = [("north.seller1", "north.seller19", 3, 1), ("east.seller1", "east.seller10", 2, 1)]


def register_later(first, seller):
    """`seller` registers `first`'s deal again — the customer was shared with them (a subsidiary
    in their city), and they heard of the same project — with the same products."""
    from core.services import share_add

    from .services import opportunity_save

    share_add(instance=first.customer, actor=first.owner, employee=seller, role="异地子公司对接")
    stage = Stage.objects.filter(pipeline=first.pipeline, kind="open").order_by("order", "pk").first()
    later = Opportunity(name=f"{first.name}（{seller.unit.name}）"[:200], customer=first.customer,
                        product_line=first.product_line, pipeline=first.pipeline, stage=stage,
                        amount=first.amount, expected_close_date=first.expected_close_date, owner=seller,
                        org_unit_id=seller.unit_id, next_step="等待撞单审核结果")
    later = opportunity_save(instance=later, actor=seller)
    OpportunityLine.objects.bulk_create([
        OpportunityLine(opportunity=later, product_id=line.product_id, quantity=line.quantity,
                        unit_price=line.unit_price, discount=line.discount, description=line.description)
        for line in first.lines.all()])
    return later


def build(ctx):
    from approvals.models import ApprovalRequest
    from approvals.services import approval_decide

    if Collision.objects.exists():
        return
    people = {e.username: e for e in Employee.objects.filter(username__in=[u for pair in PAIRS for u in pair[:2]])}
    made = decided = 0
    for first_name, later_name, count, to_decide in PAIRS:
        first_seller, later_seller = people.get(first_name), people.get(later_name)
        if first_seller is None or later_seller is None:
            continue
        deals = (Opportunity.objects.filter(owner=first_seller, status=OpportunityStatus.OPEN,
                                            registration_status=RegistrationStatus.REGISTERED)
                 .select_related("customer", "pipeline", "product_line", "owner").order_by("-amount", "pk"))
        found = 0
        for first in deals:
            if found == count:
                break
            with transaction.atomic():
                later = register_later(first, later_seller)
            if later is None or later.registration_status != RegistrationStatus.PENDING:
                continue
            found += 1
            made += 1
            if found <= to_decide:
                review = ApprovalRequest.objects.filter(kind="sales.collision", target_id=later.pk).first()
                if review is not None and review.approver_id:
                    with transaction.atomic():
                        approval_decide(request=review, actor=review.approver, approve=False,
                                        comment="先报备者优先，请与同事协同跟进。")
                    decided += 1
    ctx.created["collision reviews"] = (made, Collision.objects.count())
