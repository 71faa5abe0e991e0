"""Error pages: branded and translated for people, JSON for API clients (paths under /api/)."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from core.limits import too_large_response


def _is_api(request):
    return request.path.startswith("/api/")


def bad_request(request, exception):
    if isinstance(exception, RequestDataTooBig):
        # A body too large for Django's own limit (a multipart post, which the body-size middleware
        # lets through for its files): the same 413 as the middleware's.
        return too_large_response(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if _is_api(request):
        return JsonResponse({"detail": _("Bad request.")}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": _("You do not have permission to perform this action.")}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    response = defaults.page_not_found(request, exception)
    if settings.CSRF_COOKIE_NAME not in request.COOKIES:
        # The page's forms put a CSRF token in it, which would hand a cookie-less visitor a new
        # CSRF cookie. A first visit fetches the page and, in parallel, things such as an icon
        # that is not there: the 404's cookie could land last and replace the one the page's
        # login form was signed with, and the login would fail. A 404 leaves the cookie alone
        # (Django's view sets it itself, through its requires_csrf_token decorator).
        response.cookies.pop(settings.CSRF_COOKIE_NAME, None)
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
    return response


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": _("Server error: the request was not carried out. Try again later.")},
                            status=500)
    return defaults.server_error(request)
