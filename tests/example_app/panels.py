from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from core.registry import register_panel
from org.permissions import has_perm

from .models import Project


def projects_panel(request, customer):
    """The projects of a customer, on the customer's page: customers never imports this app."""
    if not has_perm(request.user, Project, "view"):
        return None
    projects = (Project.objects.visible_to(request.user, "view").filter(customer=customer)
                .select_related("owner").order_by("name")[:100])
    return render_to_string("example_app/panels/projects.html", {"projects": projects}, request=request)


def register():
    from customers.models import Customer

    register_panel(Customer, _("Projects"), projects_panel, order=50)
