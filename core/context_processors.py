from django.conf import settings
from django.urls import NoReverseMatch, reverse

from core.registry import menu_items
from org.permissions import has_perm


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
    return {"nav_groups": groups, "company_name": settings.KEDAO["COMPANY_NAME"]}
