from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation

from .context import reset_request_id, set_request_id


class RequestContextMiddleware:
    """Gives each request an id so that every audit row written by it can be grouped."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_request_id()
        try:
            return self.get_response(request)
        finally:
            reset_request_id(token)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """The language a person chose (the switch in the top bar sets a cookie), else the company's
    LANGUAGE_CODE (zh-hans by default). A browser's Accept-Language is honoured only by the API:
    on pages the company decides the default, whatever language the laptop was bought in."""

    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or settings.LANGUAGE_CODE
        try:
            language = translation.get_supported_language_variant(code)
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
