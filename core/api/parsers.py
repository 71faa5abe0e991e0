"""The API's JSON parser: malformed, too deep or too large JSON is a 400/413, never a 500."""

import codecs
import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class JSONParser(parsers.JSONParser):
    """DRF's parser hands the body to json.loads: '[' * 100000 is a RecursionError (a 500 even
    before login, on /api/auth/token/), and a chunked body without Content-Length is read whole."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(body) > limit:
            raise RequestTooLarge(_("The request is too large: at most %(size)s MB may be sent at once.")
                                  % {"size": f"{limit / (1 << 20):.1f}"})
        try:
            text = codecs.decode(body, encoding)
            data = json.loads(text, parse_constant=self._refuse_constant)
            # "\ud800" is valid JSON but no character: it cannot be stored, nor even echoed back in
            # an error message ("'\ud800' is not a valid choice" was a 500 in the renderer).
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except RecursionError as error:
            raise ParseError(_("JSON parse error: the data is nested too deeply.")) from error
        except UnicodeEncodeError as error:
            raise ParseError(_("JSON parse error: the text contains an unpaired surrogate code point.")) from error
        except (ValueError, UnicodeDecodeError) as error:
            raise ParseError(_("JSON parse error: %(error)s") % {"error": str(error)[:200]}) from error
        return data

    @staticmethod
    def _refuse_constant(name):
        # NaN and Infinity are not JSON, and no Kedao field can store them.
        raise ValueError(f"{name} is not valid JSON")
