"""Writes about accounts that carry the rules of 三员分立: role changes (no one changes
their own role, the three administrator roles never meet in one account, a change that
touches an administrator or a city-wide role takes a second administrator's confirmation),
one-time enrolment codes for the second factor, and the lock-out of source addresses.

Pages and the API reach these through the user object's ``before_save`` / ``after_save``
hooks, so the rules hold on every path."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from rencai.accounts.models import EnrolmentCode, RoleChange, RoleChangeState, User
from rencai.core import audit
from rencai.core.errors import Refused
from rencai.core.models import AuditAction
from rencai.core.roles import ADMIN_ROLES, CITYWIDE_READERS, Role, role_of

#: Roles whose grant or removal needs a second administrator: the three administrators and
#: the roles that read every institution's data (the office also unmasks personal data).
GUARDED_ROLES = ADMIN_ROLES | CITYWIDE_READERS
#: Who may confirm a guarded role change (never the requester, never the account itself).
CONFIRMERS = frozenset({Role.SYSADMIN, Role.SECADMIN})


# --- role changes ------------------------------------------------------------------------


def needs_confirmation(old_role: str, new_role: str) -> bool:
    return old_role in GUARDED_ROLES or new_role in GUARDED_ROLES


def check_role_change(actor, user: User, old_role: str, new_role: str) -> None:
    """Refuse (Refused, in Chinese) a role change that 三员分立 forbids."""
    if old_role == new_role:
        return
    if getattr(actor, "pk", None) is not None and actor.pk == user.pk:
        raise Refused(_("不能修改自己的角色：角色变更须由另一名安全管理员办理。"))
    if role_of(actor) != Role.SECADMIN:
        raise Refused(_("只有安全管理员可以变更角色。"))
    if old_role in ADMIN_ROLES and new_role in ADMIN_ROLES:
        raise Refused(_("系统管理员、安全管理员、安全审计员三个角色不得由同一账号先后或同时担任，请另建账号。"))
    if user.is_superuser:
        raise Refused(_("该账号带有超级用户标记，不能在平台上分配角色。"))


def _record_role(user: User, old_role: str, new_role: str, actor, **extra) -> None:
    audit.record(AuditAction.PERMISSION, obj=user, changes={"role": [old_role, new_role], **extra}, user=actor)


def before_user_save(instance: User, actor, creating: bool) -> None:
    """The user object's ``before_save``: checks a role change and, when it needs a second
    administrator, keeps the old role and leaves the request for ``after_user_save``."""
    if creating:
        if instance.role in GUARDED_ROLES:
            # Accounts are created in the talent role; the security administrator assigns roles.
            instance.role = Role.TALENT
        return
    snapshot = getattr(instance, "_audit_snapshot", {})
    if "role" not in snapshot:
        return
    old_role = snapshot["role"]
    if old_role == instance.role:
        return
    check_role_change(actor, instance, old_role, instance.role)
    if needs_confirmation(old_role, instance.role):
        if RoleChange.objects.filter(user=instance, state=RoleChangeState.PENDING).exists():
            raise Refused(_("该账号已有一项待确认的角色变更，请先确认或拒绝。"))
        instance._requested_role = instance.role
        instance.role = old_role
        return
    _record_role(instance, old_role, instance.role, actor)


def after_user_save(instance: User, actor, creating: bool) -> str | None:
    requested = getattr(instance, "_requested_role", None)
    if requested is None:
        return None
    del instance._requested_role
    change = RoleChange.objects.create(user=instance, from_role=instance.role, to_role=requested, requested_by=actor)
    audit.record(
        AuditAction.PERMISSION,
        obj=instance,
        changes={"role_change_requested": [change.from_role, change.to_role], "request": change.pk},
        user=actor,
    )
    return _("角色变更（%(change)s）已提交，须由另一名管理员确认后生效。") % {"change": change}


def _check_confirmer(actor, change: RoleChange) -> None:
    if role_of(actor) not in CONFIRMERS:
        raise Refused(_("只有系统管理员或安全管理员可以确认角色变更。"))
    if actor.pk in (change.requested_by_id, change.user_id):
        raise Refused(_("角色变更须由申请人和本人以外的另一名管理员确认。"))
    if change.state != RoleChangeState.PENDING:
        raise Refused(_("该角色变更已处理。"))


@transaction.atomic
def confirm_role_change(actor, change: RoleChange) -> RoleChange:
    change = RoleChange.objects.select_for_update().select_related("user").get(pk=change.pk)
    _check_confirmer(actor, change)
    user = change.user
    if user.role != change.from_role:
        raise Refused(_("该账号的角色已变化，本项变更不再适用，请拒绝后重新申请。"))
    if change.from_role in ADMIN_ROLES and change.to_role in ADMIN_ROLES:
        raise Refused(_("系统管理员、安全管理员、安全审计员三个角色不得由同一账号先后或同时担任，请另建账号。"))
    user.role = change.to_role
    user.save()
    change.state = RoleChangeState.CONFIRMED
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.save()
    _record_role(
        user, change.from_role, change.to_role, actor, requested_by=change.requested_by.username, request=change.pk
    )
    if change.to_role in ADMIN_ROLES or change.from_role in ADMIN_ROLES:
        # A new administrator enrols a fresh authenticator; one who stops being one loses it.
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.filter(user=user).delete()
    return change


@transaction.atomic
def refuse_role_change(actor, change: RoleChange) -> RoleChange:
    change = RoleChange.objects.select_for_update().get(pk=change.pk)
    if not (actor.pk == change.requested_by_id and change.state == RoleChangeState.PENDING):
        _check_confirmer(actor, change)
    change.state = RoleChangeState.REFUSED
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.save()
    audit.record(
        AuditAction.PERMISSION,
        obj=change.user,
        changes={"role_change_refused": [change.from_role, change.to_role], "request": change.pk},
        user=actor,
    )
    return change


# --- enrolment codes ---------------------------------------------------------------------

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _code_hash(code: str) -> str:
    normalized = "".join(ch for ch in code.upper() if ch.isalnum())
    return salted_hmac("rencai.accounts.enrolment", normalized).hexdigest()


def may_issue_enrolment_code(actor, user: User) -> bool:
    return role_of(actor) in CONFIRMERS and actor.pk != user.pk and user.role in ADMIN_ROLES


def issue_enrolment_code(user: User, issued_by: User | None = None, hours: int | None = None) -> str:
    """A new one-time code for ``user`` (earlier unused codes stop working); returns the
    code in clear, which is shown once and stored only as a keyed hash."""
    if user.role not in ADMIN_ROLES:
        raise Refused(_("只有三员账号需要绑定动态验证码。"))
    if issued_by is not None and not may_issue_enrolment_code(issued_by, user):
        raise Refused(_("绑定码须由另一名系统管理员或安全管理员签发，不能为自己签发。"))
    hours = hours or settings.RENCAI_ENROLMENT_CODE_HOURS
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    code = "-".join(raw[i : i + 4] for i in range(0, 12, 4))
    with transaction.atomic():
        EnrolmentCode.objects.filter(user=user, used_at__isnull=True).update(expires_at=timezone.now())
        EnrolmentCode.objects.create(
            user=user,
            code_hash=_code_hash(code),
            issued_by=issued_by,
            expires_at=timezone.now() + timedelta(hours=hours),
        )
        audit.record(
            AuditAction.PERMISSION,
            obj=user,
            changes={"otp": "enrolment code issued", "valid_hours": hours},
            user=issued_by,
        )
    return code


def valid_enrolment_code(user: User, code: str) -> EnrolmentCode | None:
    wanted = _code_hash(code or "")
    for candidate in EnrolmentCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=timezone.now()):
        if constant_time_compare(candidate.code_hash, wanted):
            return candidate
    return None


# --- lock-out of source addresses ----------------------------------------------------------


def address_failures(ip: str) -> int:
    """Failed log-ins from ``ip`` (over all user names) within the cool-off period."""
    from axes.models import AccessAttempt

    if not ip:
        return 0
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    found = AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )
    return found["n"] or 0


def address_locked(ip: str) -> bool:
    return address_failures(ip) >= settings.RENCAI_ADDRESS_FAILURE_LIMIT


def locked_addresses() -> list[tuple[str, int]]:
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .values("ip_address")
        .annotate(n=Sum("failures_since_start"))
        .filter(n__gte=settings.RENCAI_ADDRESS_FAILURE_LIMIT)
        .order_by("-n")
    )
    return [(row["ip_address"], row["n"]) for row in rows]


def locked_usernames() -> list[tuple[str, int]]:
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .values("username")
        .annotate(n=Sum("failures_since_start"))
        .filter(n__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-n")
    )
    return [(row["username"], row["n"]) for row in rows]


def unlock(actor, *, ip: str | None = None, username: str | None = None) -> int:
    """The security administrator lifts a lock-out of an address or a user name."""
    from axes.utils import reset

    if role_of(actor) != Role.SECADMIN:
        raise Refused(_("只有安全管理员可以解除登录锁定。"))
    if not ip and not username:
        raise Refused(_("请指明要解锁的地址或用户名。"))
    count = reset(ip=ip or None, username=username or None)
    audit.record(
        AuditAction.PERMISSION,
        object_type="axes.accessattempt",
        object_repr=ip or username or "",
        changes={"unlock": {"ip": ip or "", "username": username or ""}, "records": count},
        user=actor,
    )
    return count


# --- password help -----------------------------------------------------------------------------


def reset_password(actor, user: User) -> str:
    """The system administrator gives ``user`` a one-time password (returned, shown once);
    the user must choose their own at the next log-in. Audited without the password."""
    if role_of(actor) != Role.SYSADMIN:
        raise Refused(_("只有系统管理员可以重置密码。"))
    if user.pk == getattr(actor, "pk", None):
        raise Refused(_("不能重置自己的密码，请使用“修改密码”。"))
    if not user.is_active:
        raise Refused(_("该账号已停用，请先启用再重置密码。"))
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    password = (
        "".join(secrets.choice(alphabet) for _n in range(10)) + secrets.choice("#%*@") + secrets.choice("23456789")
    )
    from rencai.core.objects.writes import update_many

    with transaction.atomic():
        user.set_password(password)
        update_many(User.objects.filter(pk=user.pk), password=user.password, must_change_password=True)
        audit.record(AuditAction.PERMISSION, obj=user, changes={"password": "reset to one-time password"}, user=actor)
    return password


def password_chosen(user: User) -> None:
    """The user chose their own password: the one-time password's obligation ends."""
    from rencai.core.objects.writes import update_many

    if getattr(user, "must_change_password", False):
        update_many(User.objects.filter(pk=user.pk), must_change_password=False)
        user.must_change_password = False
