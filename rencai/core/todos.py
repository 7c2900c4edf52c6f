"""To-do items on a user's home page; each app contributes a provider."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Todo:
    title: str
    url: str
    count: int = 0
    level: str = "warning"


_providers: list[Callable] = []


def todo_provider(func: Callable) -> Callable:
    """Register ``func(user) -> list[Todo]``."""
    _providers.append(func)
    return func


def todos_for(user) -> list[Todo]:
    items: list[Todo] = []
    for provider in _providers:
        items.extend(provider(user))
    return items
