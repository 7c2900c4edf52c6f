"""Template helpers of the import pipeline."""

from django import template

register = template.Library()


@register.filter
def can_import(config, user) -> bool:
    """Whether ``user`` may import ``config``'s object (shows the 批量导入 button)."""
    return config.can_import(user)
