"""HTMX end points of the customer form's region selects: the next level's options, and the three
selects filled from a free-text address. Reference data: any signed-in user may ask."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.text import clean_text

from . import regions
from .forms import REGION_FIELDS, CustomerForm, region_choices


def _param(request, name):
    return clean_text(request.GET.get(name, ""))[:200].strip()


@login_required
@require_GET
def region_options(request):
    """<option>s of the cities of `province` (level=city), or of the districts of `city`
    (level=district); when the cities change, the districts are emptied too (out of band)."""
    level = "district" if request.GET.get("level") == "district" else "city"
    province, city = _param(request, "province"), _param(request, "city")
    if level == "city":
        options = region_choices("city", province)
        extra = {"district": region_choices("district")}
    else:
        options = region_choices("district", province, city)
        extra = {}
    return render(request, "customers/partials/region_options.html", {"options": options, "extra": extra})


@login_required
@require_GET
def region_fill(request):
    """The province, city and district selects (swapped out of band) read from `address`, and a
    line saying what was found, or that nothing was."""
    parsed = regions.parse_address(_param(request, "address"))
    form = CustomerForm(initial=dict(zip(REGION_FIELDS, parsed[:3], strict=True)), user=request.user)
    fields = []
    if parsed:
        for name in REGION_FIELDS:
            field = form[name]
            field.field.widget.attrs["hx-swap-oob"] = "true"
            fields.append(field)
    return render(request, "customers/partials/region_fill.html", {"parsed": parsed, "fields": fields})
