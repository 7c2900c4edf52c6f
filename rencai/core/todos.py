"""To-do items on a user's home page; each app contributes a provider."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


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
