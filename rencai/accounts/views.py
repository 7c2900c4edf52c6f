"""The accounts' own pages: log-in with lock-out, the second factor (enrolment with a
one-time code, then verification), and the 三员分立 pages of the administrators (confirming
role changes, issuing enrolment codes, lifting lock-outs)."""

import base64

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from rencai.accounts import services
from rencai.accounts.forms import EnrolmentCodeForm, LoginForm, OTPTokenForm
from rencai.accounts.models import RoleChange, RoleChangeState, User
from rencai.core import audit
from rencai.core.errors import Refused
from rencai.core.models import AuditAction
from rencai.core.objects.pages import RoleRequiredMixin
from rencai.core.roles import ADMIN_ROLES, Role


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def locked_out(request, credentials, *args, **kwargs):
    """Called by django-axes when a user name is locked."""
    message = _("连续登录失败次数过多，该账号已被锁定15分钟，请稍后再试或联系安全管理员解锁。")
    return render(request, "accounts/login.html", {"form": LoginForm(request), "lockout": message}, status=429)


def password_changed(request):
    messages.success(request, _("密码已修改。"))
    return redirect("core:home")


_ENROLMENT_SESSION_KEY = "rencai_enrolment_code"


def _safe_next(request) -> str:
    target = request.GET.get("next") or request.POST.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def _base32(key: bytes) -> str:
    return base64.b32encode(key).decode().rstrip("=")


class OTPView(LoginRequiredMixin, FormView):
    """Verify an administrator's TOTP code; an administrator without a confirmed
    authenticator first gives the one-time enrolment code that another administrator (or
    ``manage.py enrolment_code``) issued, and only then sees the key to bind."""

    template_name = "accounts/otp.html"
    form_class = OTPTokenForm

    def confirmed_device(self) -> TOTPDevice | None:
        return TOTPDevice.objects.filter(user=self.request.user, confirmed=True).order_by("pk").first()

    def enrolment(self):
        """The enrolment code accepted in this session, still valid."""
        pk = self.request.session.get(_ENROLMENT_SESSION_KEY)
        if pk is None:
            return None
        found = self.request.user.enrolment_codes.filter(pk=pk).first()
        if found is None or found.used_at is not None or found.expires_at <= _now():
            self.request.session.pop(_ENROLMENT_SESSION_KEY, None)
            return None
        return found

    def new_device(self) -> TOTPDevice:
        device = TOTPDevice.objects.filter(user=self.request.user, confirmed=False).order_by("pk").first()
        return device or TOTPDevice.objects.create(user=self.request.user, name="default", confirmed=False)

    def get_form_class(self):
        if self.confirmed_device() is None and self.enrolment() is None:
            return EnrolmentCodeForm
        return OTPTokenForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = _safe_next(self.request)
        if self.confirmed_device() is not None:
            context["mode"] = "verify"
        elif self.enrolment() is None:
            context["mode"] = "code"
        else:
            import segno

            device = self.new_device()
            context["mode"] = "enrol"
            context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(scale=4)
            context["secret"] = _base32(device.bin_key)
        return context

    def form_valid(self, form):
        if isinstance(form, EnrolmentCodeForm):
            found = services.valid_enrolment_code(self.request.user, form.cleaned_data["code"])
            if found is None:
                audit.record(
                    AuditAction.PERMISSION,
                    obj=self.request.user,
                    changes={"otp": "enrolment code refused"},
                    request=self.request,
                )
                form.add_error("code", _("绑定码不正确、已使用或已过期，请向另一名管理员重新申领。"))
                return self.form_invalid(form)
            self.request.session[_ENROLMENT_SESSION_KEY] = found.pk
            TOTPDevice.objects.filter(user=self.request.user, confirmed=False).delete()
            return redirect(f"{self.request.path}?next={_safe_next(self.request)}")
        device = self.confirmed_device()
        enrolment = None
        if device is None:
            enrolment = self.enrolment()
            if enrolment is None:
                return redirect(self.request.path)
            device = self.new_device()
        if not device.verify_token(form.cleaned_data["token"]):
            form.add_error("token", _("动态验证码不正确或已过期。"))
            return self.form_invalid(form)
        if enrolment is not None:
            TOTPDevice.objects.filter(user=self.request.user, confirmed=True).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            enrolment.used_at = _now()
            enrolment.save(update_fields=["used_at"])
            self.request.session.pop(_ENROLMENT_SESSION_KEY, None)
            audit.record(
                AuditAction.PERMISSION, obj=self.request.user, changes={"otp": "enrolled"}, request=self.request
            )
        otp_login(self.request, device)
        return redirect(_safe_next(self.request))


def _now():
    from django.utils import timezone

    return timezone.now()


# --- role changes --------------------------------------------------------------------------


class RoleChangeListView(RoleRequiredMixin, TemplateView):
    template_name = "accounts/role_changes.html"
    roles = services.CONFIRMERS

    def get_context_data(self, **kwargs):
        changes = RoleChange.objects.select_related("user", "requested_by", "decided_by")
        return {
            **super().get_context_data(**kwargs),
            "pending": changes.filter(state=RoleChangeState.PENDING),
            "recent": changes.exclude(state=RoleChangeState.PENDING)[:50],
            "administrators": User.objects.filter(role__in=ADMIN_ROLES).exclude(pk=self.request.user.pk),
        }


class RoleChangeDecideView(RoleRequiredMixin, View):
    roles = services.CONFIRMERS

    def post(self, request, pk: int, decision: str):
        if decision not in ("confirm", "refuse"):
            raise Http404
        change = get_object_or_404(RoleChange, pk=pk)
        try:
            if decision == "confirm":
                services.confirm_role_change(request.user, change)
                messages.success(request, _("角色变更已确认生效：%(change)s") % {"change": change})
            else:
                services.refuse_role_change(request.user, change)
                messages.info(request, _("已拒绝角色变更：%(change)s") % {"change": change})
        except Refused as exc:
            messages.error(request, str(exc))
        return redirect("accounts:role-changes")


# --- enrolment codes -------------------------------------------------------------------------


class EnrolmentCodeView(RoleRequiredMixin, View):
    """Another administrator issues a one-time enrolment code for an administrator account
    (a first enrolment, or a lost authenticator); the code is shown once."""

    roles = services.CONFIRMERS

    def get(self, request, pk: int):
        target = get_object_or_404(User, pk=pk, role__in=ADMIN_ROLES)
        return render(request, "accounts/enrolment_code.html", {"target": target, "code": None})

    def post(self, request, pk: int):
        target = get_object_or_404(User, pk=pk, role__in=ADMIN_ROLES)
        try:
            code = services.issue_enrolment_code(target, issued_by=request.user)
        except Refused as exc:
            return render(
                request, "accounts/enrolment_code.html", {"target": target, "code": None, "error": str(exc)}, status=403
            )
        from django.conf import settings

        return render(
            request,
            "accounts/enrolment_code.html",
            {"target": target, "code": code, "hours": settings.RENCAI_ENROLMENT_CODE_HOURS},
        )


# --- lock-outs ---------------------------------------------------------------------------------


class LockoutView(RoleRequiredMixin, TemplateView):
    template_name = "accounts/lockouts.html"
    roles = frozenset({Role.SECADMIN})
    denied_message = gettext_lazy("只有安全管理员可以查看和解除登录锁定。")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "addresses": services.locked_addresses(),
            "usernames": services.locked_usernames(),
        }

    def post(self, request):
        try:
            services.unlock(
                request.user, ip=request.POST.get("ip", "").strip(), username=request.POST.get("username", "").strip()
            )
        except Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已解除锁定。"))
        return redirect("accounts:lockouts")


# --- the message centre ------------------------------------------------------------------------


class MessageListView(LoginRequiredMixin, TemplateView):
    """A user's own messages (站内消息), newest first, unread ones marked."""

    template_name = "accounts/messages.html"

    def get_context_data(self, **kwargs):
        from django.core.paginator import Paginator

        from rencai.accounts.models import Message

        mine = Message.objects.filter(recipient=self.request.user)
        if self.request.GET.get("unread"):
            mine = mine.filter(read_at__isnull=True)
        page = Paginator(mine, 30).get_page(self.request.GET.get("page"))
        return {**super().get_context_data(**kwargs), "page": page, "unread_only": bool(self.request.GET.get("unread"))}

    def post(self, request):
        """全部标为已读."""
        from rencai.accounts.models import Message
        from rencai.core.objects.writes import update_many

        update_many(Message.objects.unread_for(request.user), read_at=_now())
        return redirect("accounts:messages")


class MessageOpenView(LoginRequiredMixin, View):
    """Open one of one's own messages: it is marked read and its link followed."""

    def post(self, request, pk: int):
        from rencai.accounts.models import Message
        from rencai.core.objects.writes import update_many

        message = get_object_or_404(Message, pk=pk, recipient=request.user)
        update_many(Message.objects.filter(pk=message.pk, read_at__isnull=True), read_at=_now())
        target = message.url if url_has_allowed_host_and_scheme(message.url, allowed_hosts=None) else ""
        return redirect(target or "accounts:messages")


class NoticeSettingsView(LoginRequiredMixin, View):
    """A user chooses whether messages also reach them by e-mail (and SMS, if configured)."""

    def get(self, request):
        return self._page(request)

    def post(self, request):
        from django.conf import settings

        from rencai.core.objects.writes import update_many

        values = {"notify_by_email": request.POST.get("notify_by_email") == "on"}
        if settings.RENCAI_SMS_BACKEND:
            values["notify_by_sms"] = request.POST.get("notify_by_sms") == "on"
        if values["notify_by_email"] and not request.user.email:
            messages.error(request, _("您的账号没有登记电子邮箱，请联系系统管理员登记后再开启邮件提醒。"))
            return self._page(request, status=400)
        update_many(User.objects.filter(pk=request.user.pk), **values)
        messages.success(request, _("消息提醒设置已保存。"))
        return redirect("accounts:notice-settings")

    def _page(self, request, status: int = 200):
        from django.conf import settings

        user = User.objects.get(pk=request.user.pk)
        return render(
            request,
            "accounts/notice_settings.html",
            {"account": user, "sms_available": bool(settings.RENCAI_SMS_BACKEND)},
            status=status,
        )


# --- password help -------------------------------------------------------------------------------


def forgot_password(request):
    """忘记密码: who resets a password, by role (no self-service reset without a mail server)."""
    return render(request, "accounts/forgot_password.html")


class PasswordChangeView(auth_views.PasswordChangeView):
    """修改密码; changing it lifts a one-time password's obligation."""

    template_name = "accounts/password_change.html"

    def get_success_url(self):
        from django.urls import reverse

        return reverse("accounts:password-done")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_chosen(self.request.user)
        return response
