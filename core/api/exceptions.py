from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.services import VersionConflict


def exception_handler(exc, context):
    """Errors as {"field": ["message"]}; a stale version is a 412 with the current state."""
    if isinstance(exc, VersionConflict):
        view = context.get("view")
        current = view.get_serializer(exc.current).data if view is not None else {}
        response = Response(
            {"detail": _("The record was changed by someone else; reload it and apply your change again."),
             "current": current},
            status=status.HTTP_412_PRECONDITION_FAILED,
        )
        response["ETag"] = exc.current.etag
        return response
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = ValidationError(detail)
    return drf_exception_handler(exc, context)
