"""The request being served, for code that records who did something (the audit log)."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

current_request: ContextVar[HttpRequest | None] = ContextVar("rencai_current_request", default=None)
#: The user on whose behalf work without a request runs (a background import).
acting_user: ContextVar[AbstractBaseUser | None] = ContextVar("rencai_acting_user", default=None)


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    organization_id: int | None
    ip: str
    user_agent: str


def client_ip(request: HttpRequest) -> str:
    """The client's address; X-Forwarded-For is trusted only when a proxy is declared."""
    from django.conf import settings

    if getattr(settings, "RENCAI_TRUST_X_FORWARDED_FOR", False):
        forwarded: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    remote: str = request.META.get("REMOTE_ADDR", "") or ""
    return remote


def actor_from(request: HttpRequest | None = None, user: AbstractBaseUser | AnonymousUser | None = None) -> Actor:
    request = request if request is not None else current_request.get()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is None:
        user = acting_user.get()
    ip = client_ip(request) if request is not None else ""
    user_agent: str = request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(user_id=None, username="", organization_id=None, ip=ip, user_agent=user_agent)
    return Actor(
        user_id=user.pk,
        username=user.get_username(),
        organization_id=getattr(user, "organization_id", None),
        ip=ip,
        user_agent=user_agent,
    )
