from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from rencai.core.roles import requires_second_factor

_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/")


class RequireSecondFactorMiddleware:
    """The three administrator roles do nothing until their TOTP code is verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and requires_second_factor(user)
            and not user.is_verified()
            and not request.path.startswith(_ALLOWED_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("管理员角色须先完成动态验证码验证。")}, status=403)
            return redirect(f"{reverse('accounts:otp')}?next={request.path}")
        return self.get_response(request)
