from typing import Any

from django.http import HttpRequest

from rencai.core.menus import menu_for
from rencai.core.roles import role_of
from rencai.core.todos import todos_of_request


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu of the user's role (:mod:`rencai.core.menus`) and the header's unread count."""
    user = getattr(request, "user", None)
    if user is None or role_of(user) is None:
        return {}
    from rencai.accounts.models import Message

    unread = Message.objects.unread_for(user).count()
    return {
        "nav_menu": menu_for(user, todos_of_request(request), {"messages": unread}),
        "nav_unread": unread,
        "nav_role_label": user.get_role_display() if hasattr(user, "get_role_display") else "",
    }
