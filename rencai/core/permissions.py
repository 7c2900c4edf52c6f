"""API permissions named in DRF's settings; this module must not import DRF's views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework import permissions

from rencai.core.roles import requires_second_factor

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class SecondFactorVerified(permissions.BasePermission):
    """Administrator roles use the API only from a session verified with TOTP."""

    message = "管理员角色须先完成动态验证码验证。"

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not requires_second_factor(user):
            return True
        return bool(getattr(user, "is_verified", lambda: False)())
