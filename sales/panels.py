from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from core.permissions import has_perm
from core.registry import register_panel

from .models import Opportunity, OpportunityCompetitor, OpportunityLine, OpportunityTeamMember, StageChange

LIMIT = 100


def customer_opportunities(request, customer):
    """The customer's opportunities the reader may see (product-line isolation included)."""
    if not has_perm(request.user, Opportunity, "view"):
        return None
    rows = list(Opportunity.objects.visible_to(request.user, "view").filter(customer=customer)
                .select_related("stage", "product_line", "owner").order_by("status", "-updated_at")[:LIMIT])
    return render_to_string("sales/panels/opportunities.html",
                            {"rows": rows, "customer": customer, "can_add": has_perm(request.user, Opportunity, "add")},
                            request=request)


def stage_history(request, opportunity):
    rows = list(StageChange.objects.filter(opportunity=opportunity).select_related("from_stage", "to_stage",
                                                                                   "changed_by")
                .order_by("-changed_at", "-pk")[:LIMIT])
    return render_to_string("sales/panels/stage_history.html", {"rows": rows}, request=request)


def _children(model, template, related):
    def render(request, opportunity):
        if not has_perm(request.user, model, "view"):
            return None
        rows = list(model.objects.visible_to(request.user, "view").filter(opportunity=opportunity)
                    .select_related(*related)[:LIMIT])
        can_add = has_perm(request.user, model, "add")
        return render_to_string(template, {"rows": rows, "opportunity": opportunity, "can_add": can_add},
                                request=request)
    return render


def register():
    from customers.models import Customer

    register_panel(Customer, _("Opportunities"), customer_opportunities, order=20, key="opportunities")
    register_panel(Opportunity, _("Line items"), _children(OpportunityLine, "sales/panels/lines.html", ("product",)),
                   order=10, key="lines")
    register_panel(Opportunity, _("Stage history"), stage_history, order=15, key="stage-history")
    register_panel(Opportunity, _("Deal team"), _children(OpportunityTeamMember, "sales/panels/team.html", ("employee",)),
                   order=20, key="deal-team")
    register_panel(Opportunity, _("Competitors"),
                   _children(OpportunityCompetitor, "sales/panels/competitors.html", ("competitor",)),
                   order=30, key="competitors")
