from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.permissions import has_perm
from core.registry import menu_items, object_types


def navigation(request):
    """The menu, filtered to what the user may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"company_name": settings.KEDAO["COMPANY_NAME"]}
    groups = {}
    for item in menu_items():
        if item.model is not None and not has_perm(user, item.model, "view"):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        groups.setdefault(str(item.group), []).append({"label": item.label, "url": url,
                                                       "active": request.path.startswith(url)})
    # Reports: every registered report with a page the user may open (core/views/reports.py).
    from core.views.reports import visible_reports

    shown = visible_reports(user)
    if shown:
        index = reverse("core:report_index")
        groups[_("Reports")] = [*({"label": report.label, "url": report.url(),
                                   "active": request.path == report.url()} for report in shown),
                                {"label": _("All reports"), "url": index, "active": request.path == index}]
    return {"nav_groups": groups, "company_name": settings.KEDAO["COMPANY_NAME"],
            "search_placeholder": search_placeholder(user)}


def search_placeholder(user, limit=3):
    """"Search customers, contacts…": the searchable object types the user may view, in menu order."""
    menu_order = {}
    for item in menu_items():
        if item.model is not None:
            menu_order.setdefault(item.model, item.order)
    names = [str(t.verbose_name_plural) for t in sorted(
        (t for t in object_types() if t.searchable and has_perm(user, t.model, "view")),
        key=lambda t: menu_order.get(t.model, 10_000))][:limit]
    if not names:
        return _("Search")
    return _("Search %(types)s…") % {"types": pgettext("list separator", ", ").join(names)}
