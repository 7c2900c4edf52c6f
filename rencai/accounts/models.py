"""Users, each acting for one organisation in one role."""

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rencai.core.chinese import ChineseValueError, validate_id_number, validate_mobile
from rencai.core.models import ScopedModel, ScopedQuerySet
from rencai.core.personal import BlindIndexField, EncryptedField, blind_index
from rencai.core.roles import ADMIN_ROLES, Role, role_of


class UserQuerySet(ScopedQuerySet):
    def by_id_number(self, number: str) -> "UserQuerySet":
        return self.filter(id_number_bidx=blind_index(validate_id_number(number)))

    def by_mobile(self, number: str) -> "UserQuerySet":
        return self.filter(mobile_bidx=blind_index(validate_mobile(number)))


# The plugin builds managers only from Manager/BaseManager.from_queryset, not from the generic UserManager.
class RencaiUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser, ScopedModel):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.TALENT)
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("所属机构"), on_delete=models.PROTECT, related_name="users"
    )
    full_name = models.CharField(_("姓名"), max_length=50)
    mobile = EncryptedField(_("手机号码"), kind="mobile", blank=True)
    mobile_bidx = BlindIndexField(source="mobile")
    id_number = EncryptedField(_("身份证号码"), kind="id_number", blank=True)
    id_number_bidx = BlindIndexField(source="id_number")
    notify_by_email = models.BooleanField(_("消息同时发送电子邮件"), default=False)
    notify_by_sms = models.BooleanField(_("消息同时发送短信"), default=False)
    #: Set when the system administrator resets the password to a one-time one: every
    #: page leads to the password change page until the user has chosen their own.
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False, editable=False)

    objects: ClassVar[RencaiUserManager] = RencaiUserManager()
    scope_path = "organization__path"
    audit_exclude = ("version", "created_at", "updated_at", "last_login")
    audit_secret = ("password",)
    # Set by accounts.services while a role change awaits confirmation (not a field).
    _requested_role: str
    REQUIRED_FIELDS = ["email"]

    class Meta:
        ordering = ["organization__path", "username"]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return f"{self.full_name}（{self.username}）" if self.full_name else self.username

    @classmethod
    def talent_scope(cls, queryset, user, editing: bool = False):
        return queryset.none() if editing else queryset.filter(pk=user.pk)

    @classmethod
    def reviewer_scope(cls, queryset, user):
        return queryset.filter(pk=user.pk)

    @classmethod
    def admin_scope(cls, queryset, user, editing: bool = False):
        """系统管理员 manages accounts; 安全管理员 assigns roles; the auditor reads nothing."""
        if role_of(user) in (Role.SYSADMIN, Role.SECADMIN):
            return queryset.all()
        return queryset.none()

    @property
    def needs_second_factor(self) -> bool:
        return self.role in ADMIN_ROLES

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.mobile:
            try:
                self.mobile = validate_mobile(self.mobile)
            except ChineseValueError as exc:
                errors["mobile"] = str(exc)
        if self.id_number:
            try:
                self.id_number = validate_id_number(self.id_number)
            except ChineseValueError as exc:
                errors["id_number"] = str(exc)
        if errors:
            raise ValidationError(errors)


class RoleChangeState(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认生效")
    REFUSED = "refused", _("已拒绝")


class RoleChange(models.Model):
    """A change of role that touches an administrator or a city-wide role: requested by the
    security administrator, in force only once another administrator confirms it."""

    user = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="role_changes")
    from_role = models.CharField(_("原角色"), max_length=20, choices=Role.choices)
    to_role = models.CharField(_("新角色"), max_length=20, choices=Role.choices)
    state = models.CharField(_("状态"), max_length=20, choices=RoleChangeState.choices, default=RoleChangeState.PENDING)
    requested_by = models.ForeignKey(
        User, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="role_changes_requested"
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User, verbose_name=_("确认人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("角色变更")
        verbose_name_plural = _("角色变更")

    def __str__(self) -> str:
        return f"{self.user}：{self.get_from_role_display()} → {self.get_to_role_display()}"


class EnrolmentCode(models.Model):
    """A one-time code that lets an administrator bind their authenticator; issued by a
    command or by another administrator, stored as a hash, expiring."""

    user = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="enrolment_codes")
    code_hash = models.CharField(_("绑定码摘要"), max_length=64, unique=True)
    issued_by = models.ForeignKey(
        User, verbose_name=_("签发人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("失效时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("动态验证码绑定码")
        verbose_name_plural = _("动态验证码绑定码")

    def __str__(self) -> str:
        return f"{self.user}（{self.expires_at:%Y-%m-%d %H:%M} 前有效）"


class MessageKind(models.TextChoices):
    TODO = "todo", _("待办")
    DECISION = "decision", _("审批结果")
    RETURNED = "returned", _("退回")
    SUPERVISION = "supervision", _("督办")
    DEADLINE = "deadline", _("到期提醒")
    NOTICE = "notice", _("通知")


class MessageQuerySet(ScopedQuerySet):
    def unread_for(self, user: object) -> "MessageQuerySet":
        return self.filter(recipient=user, read_at__isnull=True)


class Message(ScopedModel):
    """One message of a user's message centre (站内消息). Only the recipient reads it."""

    recipient = models.ForeignKey(User, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("类型"), max_length=20, choices=MessageKind.choices, default=MessageKind.NOTICE)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    #: Keeps one message per event (a to-do seen again by the nightly check is not repeated).
    key = models.CharField(_("事件标识"), max_length=200, blank=True, editable=False)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True, editable=False)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True, editable=False)

    objects = MessageQuerySet.as_manager()  # type: ignore[misc]
    scope_path = "recipient__organization__path"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("站内消息")
        verbose_name_plural = _("消息中心")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~models.Q(key=""), name="accounts_message_one_per_event"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def talent_scope(cls, queryset, user, editing: bool = False):
        return queryset.filter(recipient=user)

    @classmethod
    def reviewer_scope(cls, queryset, user):
        return queryset.filter(recipient=user)

    @classmethod
    def admin_scope(cls, queryset, user, editing: bool = False):
        return queryset.filter(recipient=user)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
