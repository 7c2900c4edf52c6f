from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from rencai.accounts.models import User

PROFILE_FIELDS = ["username", "full_name", "organization", "email", "mobile", "id_number", "is_active"]


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误。连续失败5次，账号将被锁定15分钟。"),
        "inactive": _("该账号已停用。"),
    }


class UserProfileForm(forms.ModelForm):
    """What the system administrator keeps about an account (not its role)."""

    class Meta:
        model = User
        fields = PROFILE_FIELDS


class UserCreateForm(UserProfileForm):
    password1 = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("确认密码"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif first:
            candidate = User(username=cleaned.get("username") or "", full_name=cleaned.get("full_name") or "")
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


class UserRoleForm(forms.ModelForm):
    """What the security administrator decides: the account's role."""

    class Meta:
        model = User
        fields = ["role"]


class OTPTokenForm(forms.Form):
    token = forms.CharField(
        label=_("动态验证码"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label=_("绑定码"),
        max_length=20,
        help_text=_("由另一名管理员签发或由运维人员用 manage.py enrolment_code 生成的一次性绑定码"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
