import re
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from django.db import DataError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseBase, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

from rencai.core.context import current_request

if TYPE_CHECKING:
    from django.http.request import _ImmutableQueryDict

#: C0 control characters and DEL, except tab, line feed and carriage return.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_control_characters(value: str) -> str:
    return CONTROL_CHARACTERS.sub("", value)


class RequestContextMiddleware:
    """Makes the request available to the audit log while it is served."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


def _cleaned(query: QueryDict) -> "_ImmutableQueryDict | None":
    """A copy of ``query`` without control characters, or None when it has none."""
    if not any(CONTROL_CHARACTERS.search(v) for k, vs in query.lists() for v in [k, *vs]):
        return None
    cleaned = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        cleaned.setlist(strip_control_characters(key), [strip_control_characters(v) for v in values])
    cleaned._mutable = False
    return cast("_ImmutableQueryDict", cleaned)  # made immutable like the request's own


class ControlCharacterMiddleware:
    """No control character (NUL above all, which PostgreSQL refuses in text) reaches a
    view: a path holding one is refused with 400, query parameters and form fields are
    passed on without them. JSON bodies are checked by the API's serializers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if CONTROL_CHARACTERS.search(request.path):
            message = _("请求地址中含有不允许的控制字符。")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        cleaned = _cleaned(request.GET)
        if cleaned is not None:
            request.GET = cleaned
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            cleaned = _cleaned(request.POST)
            if cleaned is not None:
                request.POST = cleaned
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Every asset is vendored, so pages load scripts, styles, images and media from the
    platform only. Inline scripts carry the request's nonce (``request.csp_nonce``);
    no inline event handler is needed (rencai/static/rencai/rencai.js binds them)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        import secrets

        nonce = secrets.token_urlsafe(16)
        # A custom request attribute (templates read it); the stubs allow none on HttpRequest.
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            # Swagger UI (the API documentation) inserts <style> elements of its own.
            styles = "'unsafe-inline'" if request.path.startswith("/api/docs/") else f"'nonce-{nonce}'"
            response["Content-Security-Policy"] = (
                "default-src 'self'; "
                f"script-src 'self' 'nonce-{nonce}'; "
                f"style-src 'self' {styles}; "
                "style-src-attr 'unsafe-inline'; "
                "img-src 'self' data:; "
                "font-src 'self'; "
                "media-src 'self'; "
                "connect-src 'self'; "
                "object-src 'none'; "
                "base-uri 'self'; "
                "form-action 'self'; "
                "frame-ancestors 'none'"
            )
        return response


class BadInputMiddleware:
    """An address or form value the database cannot hold (a number of 30 digits, a value
    out of range) answers 400 with a Chinese page, not a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OverflowError | DataError):
            return render(request, "core/bad_input.html", status=400)
        return None
