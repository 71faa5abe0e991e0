"""Registration and collision review (商机注册、撞单分析), docs/sales.md#registration-and-collisions-撞单.

When an opportunity is created (`sales.hooks` create hook), `find_collisions()` looks at EVERY
open opportunity — not only those the seller may see: that is the point — for one of another
seller after the same deal:

- the customer is the same, or a probable duplicate by the customers duplicate engine
  (customers.duplicates.find_candidates: credit code, name, phone, e-mail; score ≥ MATCH_THRESHOLD);
- and the product line is the same, or the products overlap (a line item of the one is a product of
  the other's line, or both have the same product);
- open: status open, registration not rejected (a pending one counts: it was there first), not in
  the recycle bin, with an owner other than the new one's.

Found any: the new opportunity is registered as "pending review", one `Collision` row per earlier
deal is written, and one approval of kind "sales.collision" asks the approver (approvals.routing: an
ApprovalPolicy of that kind, e.g. a product-line manager role; else the manager of the lowest unit
both sellers share, walking up, never one of the two sellers). Approve: both proceed (registered).
Reject — the recommended decision, the first registered keeps the deal: the new one is rejected and
counts nowhere (`counted_opportunities()`). Both sellers are told either way.

Nothing here shows a seller the other deal: what they learn of it is what the duplicate check
tells of a customer outside one's scope — that it exists, its owner and the owner's unit.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import ObjectChange
from core.services import log_change
from customers.dedupe import MATCH_THRESHOLD
from customers.duplicates import find_candidates
from org.models import OrgUnit

from .models import Collision, CollisionStatus, MatchReason, Opportunity, OpportunityLine, RegistrationStatus
from .models.collisions import APPROVAL_KIND
from .models.opportunities import OpportunityStatus

# A customer counts as the same company from this duplicate score on (the duplicate engine's own
# "probably the same company"): a seller must not escape a collision by a typo in the name.
CUSTOMER_MATCH_SCORE = MATCH_THRESHOLD
CUSTOMER_CANDIDATES = 20
# Undecided for this long, the review moves up to the next manager (an ApprovalPolicy may change it).
REVIEW_TIMEOUT_HOURS = 24

EVENT_FOUND = "sales.collision_found"
EVENT_DECIDED = "sales.collision_decided"


@dataclass
class Match:
    existing: Opportunity
    reasons: list = field(default_factory=list)
    customer_score: float = 100.0


def counted_opportunities(queryset=None):
    """The opportunities that count in the pipeline, funnel and forecast: registered ones. A deal
    waiting for its collision review, or rejected by it, is left out (the seller still sees it)."""
    rows = Opportunity.objects.all() if queryset is None else queryset
    return rows.filter(registration_status=RegistrationStatus.REGISTERED)


def _matching_customers(customer):
    """{customer id: score}: the customer itself (100) and its probable duplicates."""
    found = {customer.pk: 100.0}
    for candidate in find_candidates(name=customer.name, credit_code=customer.credit_code, phone=customer.phone,
                                     email=customer.email, exclude_ids=[customer.pk], limit=CUSTOMER_CANDIDATES):
        if candidate.score >= CUSTOMER_MATCH_SCORE:
            found[candidate.customer.pk] = candidate.score
    return found


def _products(opportunity_ids):
    """{opportunity id: ({product ids}, {product line ids of those products})} of live line items."""
    found = {}
    rows = OpportunityLine.objects.filter(opportunity_id__in=list(opportunity_ids)).values_list(
        "opportunity_id", "product_id", "product__product_line_id")
    for opportunity_id, product_id, line_id in rows:
        products, lines = found.setdefault(opportunity_id, (set(), set()))
        products.add(product_id)
        lines.add(line_id)
    return found


def find_collisions(opportunity):
    """The open opportunities of other sellers that `opportunity` collides with, first registered
    first, each with why (MatchReason keys) and the customer match score. Looks at every
    opportunity, whoever may see it; the caller decides what to show (module docstring)."""
    if opportunity.owner_id is None or opportunity.customer_id is None:
        return []
    customers = _matching_customers(opportunity.customer)
    own_products, own_lines = _products([opportunity.pk]).get(opportunity.pk, (set(), set()))
    lines = {opportunity.product_line_id} | own_lines
    product_match = Q(product_line_id__in=sorted(lines)) | Q(
        lines__product__product_line_id=opportunity.product_line_id, lines__deleted_at__isnull=True)
    if own_products:
        product_match |= Q(lines__product_id__in=sorted(own_products), lines__deleted_at__isnull=True)
    candidates = list(
        Opportunity.objects.filter(customer_id__in=sorted(customers), status=OpportunityStatus.OPEN)
        .exclude(registration_status=RegistrationStatus.REJECTED)
        .exclude(pk=opportunity.pk).exclude(owner_id__isnull=True).exclude(owner_id=opportunity.owner_id)
        .filter(product_match).distinct().select_related("owner", "org_unit", "customer", "product_line")
        .order_by("created_at", "pk")
    )
    theirs = _products(c.pk for c in candidates)
    matches = []
    for existing in candidates:
        products, their_lines = theirs.get(existing.pk, (set(), set()))
        reasons = [MatchReason.SAME_CUSTOMER if existing.customer_id == opportunity.customer_id
                   else MatchReason.DUPLICATE_CUSTOMER]
        if existing.product_line_id == opportunity.product_line_id:
            reasons.append(MatchReason.SAME_PRODUCT_LINE)
        if products & own_products or existing.product_line_id in own_lines \
                or opportunity.product_line_id in their_lines:
            reasons.append(MatchReason.SAME_PRODUCTS)
        matches.append(Match(existing=existing, reasons=[str(r) for r in reasons],
                             customer_score=customers[existing.customer_id]))
    return matches


def common_unit(units):
    """The lowest org unit above (or equal to) every unit given; None when they share none."""
    paths = [unit.path.split(".") for unit in units if unit is not None and unit.path]
    if not paths:
        return None
    shared = []
    for segments in zip(*paths, strict=False):
        if len(set(segments)) != 1:
            break
        shared.append(segments[0])
    return OrgUnit.objects.filter(path=".".join(shared)).first() if shared else None


def sellers_of(opportunity_id):
    """Owner ids of a reviewed opportunity and of the deals it collides with."""
    pairs = Collision.objects.filter(opportunity_id=opportunity_id).values_list("opportunity__owner_id",
                                                                                "existing__owner_id")
    return {pk for pair in pairs for pk in pair if pk is not None}


def excluded_approvers(request):
    """The sellers of the deals in dispute never review it, first or after an escalation."""
    return sellers_of(request.target_id)


def resolve_approver(request):
    """Who reviews a collision when no ApprovalPolicy names a role: the manager of the lowest unit
    both sellers share (the request's org unit), else of the units above — never one of the two
    sellers, who cannot judge their own dispute."""
    exclude = sellers_of(request.target_id) | {request.requested_by_id}
    unit = request.org_unit
    if unit is None:
        return None
    ids = [int(segment) for segment in unit.path.split(".")][::-1]
    found = OrgUnit.objects.select_related("manager").in_bulk(ids)
    for pk in ids:
        manager = found[pk].manager if pk in found else None
        if manager is not None and manager.is_active and manager.pk not in exclude:
            return manager
    return None


def _set_registration(opportunity, status, actor):
    """Write the registration status (a workflow field: audited, new version)."""
    before = opportunity.registration_status
    if before == status:
        return opportunity
    Opportunity._base_manager.filter(pk=opportunity.pk).update(
        registration_status=status, version=opportunity.version + 1, updated_at=timezone.now())
    opportunity.registration_status = status
    opportunity.version += 1
    log_change(instance=opportunity, action=ObjectChange.Action.UPDATE, actor=actor,
               prechange={"registration_status": before}, postchange={"registration_status": status})
    return opportunity


def collisions_register(*, opportunity, actor):
    """The create hook: find the collisions of a new opportunity; if any, register it as pending
    review, log each pair and open the review. Runs inside the create's transaction."""
    if opportunity.status != OpportunityStatus.OPEN:
        return []
    matches = find_collisions(opportunity)
    if not matches:
        return []
    now = timezone.now()
    rows = Collision.objects.bulk_create([
        Collision(opportunity=opportunity, existing=match.existing, reasons=match.reasons,
                  customer_score=match.customer_score, product_line_id=opportunity.product_line_id,
                  org_unit_id=opportunity.org_unit_id, existing_org_unit_id=match.existing.org_unit_id,
                  status=CollisionStatus.PENDING, created_at=now, created_by=actor)
        for match in matches
    ])
    _set_registration(opportunity, RegistrationStatus.PENDING, actor)
    unit = common_unit([opportunity.org_unit, *(match.existing.org_unit for match in matches)])
    open_review(opportunity=opportunity, matches=matches, collisions=rows, actor=actor, org_unit=unit)
    return rows


def _owner_label(opportunity):
    """"王伟 (北京销售一部)": all a seller learns of a deal they may not see."""
    owner = opportunity.owner
    if owner is None:
        return "—"
    unit = owner.unit if owner.unit_id else opportunity.org_unit
    return _("%(owner)s (%(unit)s)") % {"owner": owner, "unit": unit} if unit else str(owner)


def open_review(*, opportunity, matches, collisions, actor, org_unit):
    """THE wiring to the approvals and notifications apps: the review request and the two sellers'
    notices. Title, summary and payload are seen by the requester too, so they name the other deal
    only by its owner and the owner's unit."""
    from approvals.services import approval_request
    from notifications.services import notify

    with translation.override(settings.LANGUAGE_CODE):
        others = ", ".join(dict.fromkeys(_owner_label(match.existing) for match in matches))
        title = _("Collision review: %(name)s") % {"name": opportunity.name}
        summary = _("%(seller)s registered “%(name)s”. It collides with %(count)d open opportunity of %(others)s "
                    "(same or duplicate customer, same product line or products). By default the first registered "
                    "keeps the deal: reject, unless both may proceed (e.g. different projects).") % {
            "seller": _owner_label(opportunity), "name": opportunity.name, "count": len(matches), "others": others}
    request = approval_request(kind=APPROVAL_KIND, target=opportunity, actor=actor, title=title[:200],
                               summary=summary, payload={"collisions": [row.pk for row in collisions]},
                               org_unit=org_unit, product_line=opportunity.product_line)
    with translation.override(settings.LANGUAGE_CODE):
        to_new = _("Pending collision review: “%(name)s” collides with an open opportunity of %(others)s; "
                   "%(approver)s decides.") % {"name": opportunity.name, "others": others,
                                              "approver": request.approver}
        to_existing = {}
        for match in matches:
            to_existing[match.existing.pk] = (
                match.existing, _("Collision: %(seller)s registered an opportunity that collides with your "
                                  "“%(name)s”; %(approver)s decides.") % {
                    "seller": _owner_label(opportunity), "name": match.existing.name, "approver": request.approver})
    # The seller usually registered it themselves: told all the same (the banner says it too).
    notify(recipients=[opportunity.owner_id], event=EVENT_FOUND, title=to_new, url=opportunity.get_absolute_url(),
           actor=actor, target=opportunity, include_actor=True)
    for existing, message in to_existing.values():
        notify(recipients=[existing.owner_id], event=EVENT_FOUND, title=message, url=existing.get_absolute_url(),
               actor=actor, target=existing)
    return request


def _decide(request, actor, *, status):
    """A decision of the review (inside the approval's transaction): the collisions take it, the
    new opportunity is registered (approved) or rejected (rejected, withdrawn), both sellers told."""
    from notifications.services import notify

    opportunity = Opportunity._base_manager.select_for_update().select_related("owner").filter(
        pk=request.target_id).first()
    if opportunity is None:
        return
    rows = list(Collision.objects.filter(opportunity=opportunity, status=CollisionStatus.PENDING)
                .select_related("existing", "existing__owner", "existing__owner__unit", "existing__org_unit"))
    now = timezone.now()
    comment = request.comment or ""
    Collision.objects.filter(pk__in=[row.pk for row in rows]).update(status=status, decided_by=actor,
                                                                      decided_at=now, comment=comment)
    registered = status == CollisionStatus.APPROVED
    _set_registration(opportunity, RegistrationStatus.REGISTERED if registered else RegistrationStatus.REJECTED,
                      actor)
    with translation.override(settings.LANGUAGE_CODE):
        if registered:
            to_new = _("Collision review: “%(name)s” is registered, both opportunities proceed.")
            to_existing = _("Collision review of your “%(name)s”: the other opportunity may proceed too.")
        elif status == CollisionStatus.REJECTED:
            to_new = _("Collision review: “%(name)s” is rejected, the first registered keeps the deal.")
            to_existing = _("Collision review of your “%(name)s”: you keep the deal.")
        else:
            to_new = _("Collision review of “%(name)s” withdrawn: the opportunity is not registered.")
            to_existing = _("Collision review of your “%(name)s” withdrawn: you keep the deal.")
        new_title = to_new % {"name": opportunity.name}
        existing_titles = [(row.existing, to_existing % {"name": row.existing.name}) for row in rows]
    notify(recipients=[opportunity.owner_id], event=EVENT_DECIDED, title=new_title, body=comment,
           url=opportunity.get_absolute_url(), actor=actor, target=opportunity)
    for existing, message in existing_titles:
        notify(recipients=[existing.owner_id], event=EVENT_DECIDED, title=message, body=comment,
               url=existing.get_absolute_url(), actor=actor, target=existing)


def on_approved(request, actor):
    _decide(request, actor, status=CollisionStatus.APPROVED)


def on_rejected(request, actor):
    _decide(request, actor, status=CollisionStatus.REJECTED)


def on_cancelled(request, actor):
    # The seller withdrew the registration: they give way, as on a rejection.
    _decide(request, actor, status=CollisionStatus.WITHDRAWN)


def describe(request):
    """Both deals side by side on the approval's page, loaded for the reader (each reader sees
    what they may: the approver both, the requester their own): sales/collision_views.py."""
    from django.template.loader import render_to_string
    from django.urls import reverse

    return render_to_string("sales/collisions/compare_placeholder.html", {
        "url": reverse("sales:collision_compare", args=[request.target_id])})


def register():
    """Called from SalesConfig.ready(): the create hook, the kind of approval, the notices, the
    pages' panel and menu entries, the report."""
    from core.registry import register_approval_kind, register_notification_event

    from . import collision_report, collision_views
    from .hooks import register_opportunity_create_hook

    register_opportunity_create_hook(collisions_register)
    collision_views.register()
    collision_report.register()
    register_approval_kind(APPROVAL_KIND, gettext_lazy("Collision review"), model=Opportunity,
                           on_approved=on_approved, on_rejected=on_rejected, resolve_approver=resolve_approver,
                           timeout_hours=REVIEW_TIMEOUT_HOURS, describe=describe, on_cancelled=on_cancelled,
                           excluded_approvers=excluded_approvers)
    register_notification_event(EVENT_FOUND, gettext_lazy("Opportunity collision found"), model=Opportunity)
    register_notification_event(EVENT_DECIDED, gettext_lazy("Collision review decided"), model=Opportunity)

