from typing import Any

from django.conf import settings
from django.http import HttpRequest

from rencai.core.objects import ObjectConfig, registered
from rencai.core.roles import ADMIN_ROLES, Role, role_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The left navigation: declared objects the user may see, then planned mechanisms."""
    user = getattr(request, "user", None)
    role = role_of(user)
    if user is None or role is None:
        return {}
    objects = [c for c in registered().values() if c.can_view(user) and c.nav_section]
    planned = [] if role in ADMIN_ROLES else settings.RENCAI_NAV_PLANNED
    groups: dict[str, list[ObjectConfig]] = {}
    for config in objects:
        groups.setdefault(config.nav_section, []).append(config)
    headings = settings.RENCAI_NAV_SECTIONS
    return {
        "nav_objects": objects,
        "nav_groups": [(headings.get(key, ""), groups[key]) for key in sorted(groups, key=_section_order)],
        "nav_planned": planned,
        "nav_is_auditor": role == Role.AUDITOR,
        "nav_leader_view": role in (Role.OFFICE, Role.LEADER, Role.LIAISON),
        "nav_role_label": user.get_role_display() if hasattr(user, "get_role_display") else "",
    }


def _section_order(key: str) -> int:
    keys = list(settings.RENCAI_NAV_SECTIONS)
    return keys.index(key) if key in keys else len(keys)
