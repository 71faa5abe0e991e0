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
