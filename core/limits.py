"""Input limits shared by every form, serializer, filter and view (issue 5, items 3 and 6).

- Ids: a request may only name a row by a plain decimal number within the range of its primary
  key column. "99999999999999999999" would otherwise reach SQLite as an OverflowError, "12.5"
  would be read as 12 and "１２" (full-width digits) as 12: all are refused as invalid choices.
- Lists: one request names at most `KEDAO["MAX_RELATED_ITEMS"]` tags or related rows per field
  and `KEDAO["MAX_BULK_ITEMS"]` records in a bulk action. One POST with 20,000 tags held SQLite's
  write lock for 75 s; the limit turns that into an immediate 400 naming the field.
- Bodies: a request body larger than DATA_UPLOAD_MAX_MEMORY_SIZE is answered 413 before anything
  reads it (JSON for the API, a short page otherwise), see `BodySizeLimitMiddleware`.
"""

import contextlib

from django.conf import settings
from django.db import OperationalError, connection, connections, router, transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def max_related_items():
    return settings.KEDAO["MAX_RELATED_ITEMS"]


def max_bulk_items():
    return settings.KEDAO["MAX_BULK_ITEMS"]


def id_range(model_field):
    """(lowest, highest) value an integer column holds, or None for a non-integer key."""
    internal = model_field.target_field.get_internal_type() if model_field.is_relation \
        else model_field.get_internal_type()
    if "IntegerField" not in internal and "AutoField" not in internal:
        return None
    low, high = connection.ops.integer_field_range(internal)
    # SQLite reports no range for some types; its INTEGER is a signed 64-bit number.
    return (low if low is not None else -(2**63), high if high is not None else 2**63 - 1)


def parse_id(value, model_field=None):
    """The id `value` names, or None when it is not a plain number in the column's range.

    Accepts an int (not a bool) or a string of ASCII digits; refuses signs, spaces, decimals,
    exponents, full-width or other Unicode digits, and numbers the column cannot hold."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 20:
        number = int(value)
    else:
        return None
    low, high = (id_range(model_field) if model_field is not None else None) or (-(2**63), 2**63 - 1)
    return number if low <= number <= high else None


def bad_id(value, model_field):
    """True when `value` cannot name a row of an integer key column (`model_field`); a key that
    is not an integer (a UUID, a code) is left to its own validation."""
    return id_range(model_field) is not None and parse_id(value, model_field) is None


def parse_ids(values, model_field=None):
    """The valid ids among `values` (the others dropped), in order."""
    parsed = (parse_id(value, model_field) for value in values)
    return [value for value in parsed if value is not None]


class BodySizeLimitMiddleware:
    """Refuses a request whose body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE with a 413, before
    any parser reads it. Django checks the limit only for form bodies it parses itself, and only
    by raising an error page; DRF reads a JSON body from the stream without any limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        # A file upload (an import) may be larger: Django limits its other fields itself.
        multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data")
        if limit is not None and length > limit and not multipart:
            return too_large_response(request, limit)
        return self.get_response(request)


def too_large_response(request, limit):
    message = _("The request is too large: at most %(size)s MB may be sent at once.") % {
        "size": f"{limit / (1 << 20):.1f}"}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return render(request, "413.html", {"message": message}, status=413)


# --- a time budget for searches no index can answer ----------------------------------------------


class TooSlow(Exception):
    """Statements stopped by their time budget (`time_budget`)."""


def search_budget_ms():
    return settings.KEDAO["SEARCH_BUDGET_MS"]


def too_broad_message(query):
    return _("Searching “%(query)s” here reads too many records to answer quickly. Add a filter "
             "(owner, unit, dates) or type more of the name.") % {"query": query[:50]}


@contextlib.contextmanager
def time_budget(model, milliseconds=None):
    """Stops the reads of `model` run inside after `milliseconds` (PostgreSQL's statement_timeout)
    and raises TooSlow. A text search that no index can answer (one or two Chinese characters:
    pg_trgm extracts no trigram from them) over 10,000,000 activities read every row the user
    sees: 15 s for a branch manager, 30–46 s for the CEO, holding an app worker and a database
    core the whole time (and any signed-in user could ask it again and again). Other databases
    run without a budget: the embedded SQLite holds small data."""
    milliseconds = search_budget_ms() if milliseconds is None else milliseconds
    alias = router.db_for_read(model)
    database = connections[alias]
    if database.vendor != "postgresql" or not milliseconds:
        yield
        return
    try:
        with transaction.atomic(using=alias):
            with database.cursor() as cursor:
                cursor.execute("SHOW statement_timeout")
                before = cursor.fetchone()[0]
                # SET LOCAL: undone with the savepoint when the budget runs out; reset below otherwise
                # (inside a longer transaction it would outlive this block).
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{int(milliseconds)}ms"])
            yield
            with database.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [before])
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == "57014":  # query_canceled
            raise TooSlow from error
        raise
