"""To-do items on a user's home page; each app contributes a provider."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest


@dataclass(frozen=True)
class Todo:
    title: str
    url: str
    count: int = 0
    level: str = "warning"


TodoProvider: TypeAlias = Callable[["AbstractBaseUser | AnonymousUser"], list[Todo]]

_providers: list[TodoProvider] = []


def todo_provider(func: TodoProvider) -> TodoProvider:
    """Register ``func(user) -> list[Todo]``."""
    _providers.append(func)
    return func


def todos_for(user: AbstractBaseUser | AnonymousUser) -> list[Todo]:
    items: list[Todo] = []
    for provider in _providers:
        items.extend(provider(user))
    return items


def todos_of_request(request: HttpRequest) -> list[Todo]:
    """The user's to-dos, computed once per request (the home page and the menu share them)."""
    cached: list[Todo] | None = getattr(request, "_rencai_todos", None)
    if cached is None:
        cached = todos_for(request.user)
        request._rencai_todos = cached  # type: ignore[attr-defined]
    return cached
