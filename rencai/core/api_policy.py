"""The API's error handler, named in DRF's settings."""

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler, with Django's validation errors and 404s turned into Chinese JSON."""
    from django.core.exceptions import ValidationError as DjangoValidationError

    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    if isinstance(exc, Http404):
        response = drf_exception_handler(exc, context)
        if response is not None:
            response.data = {"detail": _("未找到。")}
        return response
    return drf_exception_handler(exc, context)
