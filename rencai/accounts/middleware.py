from django.shortcuts import redirect
from django.urls import reverse

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
            return redirect(f"{reverse('accounts:otp')}?next={request.path}")
        return self.get_response(request)
