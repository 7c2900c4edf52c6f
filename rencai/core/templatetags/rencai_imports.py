"""Template helpers of the import pipeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    from rencai.core.objects import ObjectConfig

register = template.Library()


@register.filter
def can_import(config: ObjectConfig, user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether ``user`` may import ``config``'s object (shows the 批量导入 button)."""
    return config.can_import(user)
