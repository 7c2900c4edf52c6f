"""The request being served, for code that records who did something (the audit log)."""

from contextvars import ContextVar
from dataclasses import dataclass

current_request: ContextVar = ContextVar("rencai_current_request", default=None)
#: The user on whose behalf work without a request runs (a background import).
acting_user: ContextVar = ContextVar("rencai_acting_user", default=None)


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    organization_id: int | None
    ip: str
    user_agent: str


def client_ip(request) -> str:
    """The client's address; X-Forwarded-For is trusted only when a proxy is declared."""
    from django.conf import settings

    if getattr(settings, "RENCAI_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or ""


def actor_from(request=None, user=None) -> Actor:
    request = request if request is not None else current_request.get()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is None:
        user = acting_user.get()
    authenticated = bool(user is not None and getattr(user, "is_authenticated", False))
    return Actor(
        user_id=user.pk if authenticated else None,
        username=user.get_username() if authenticated else "",
        organization_id=getattr(user, "organization_id", None) if authenticated else None,
        ip=client_ip(request) if request is not None else "",
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""),
    )
