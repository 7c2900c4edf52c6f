from django.conf import settings

from rencai.core.objects import registered
from rencai.core.roles import ADMIN_ROLES, Role, role_of


def navigation(request) -> dict:
    """The left navigation: declared objects the user may see, then planned mechanisms."""
    user = getattr(request, "user", None)
    role = role_of(user)
    if role is None:
        return {}
    objects = [c for c in registered().values() if c.can_view(user) and c.nav_section]
    planned = [] if role in ADMIN_ROLES else settings.RENCAI_NAV_PLANNED
    return {
        "nav_objects": objects,
        "nav_planned": planned,
        "nav_is_auditor": role == Role.AUDITOR,
        "nav_role_label": user.get_role_display() if hasattr(user, "get_role_display") else "",
    }
