from django.db import DataError
from django.shortcuts import render

from rencai.core.context import current_request


class RequestContextMiddleware:
    """Makes the request available to the audit log while it is served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


class BadInputMiddleware:
    """An address or form value the database cannot hold (a number of 30 digits, a value
    out of range) answers 400 with a Chinese page, not a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError | DataError):
            return render(request, "core/bad_input.html", status=400)
        return None
