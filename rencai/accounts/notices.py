"""Messages to users: the in-app message centre, with e-mail and SMS where configured.

:func:`notify` is the one way to send a message. It writes :class:`Message` rows through
the one write path (``create_many``, audited) and, once the transaction commits, delivers
them by e-mail (Django's mail settings: the console backend in development, SMTP in
production) to users who chose e-mail, and by SMS through ``RENCAI_SMS_BACKEND`` (a dotted
path to a class with ``send(mobile, text)``; none is built in) to users who chose SMS.

Where messages come from:

* a workflow transition or action on a declared object (:func:`after_action`, called by
  ``run_action``): the people the object names (the user fields, the talent's account)
  or, failing those, the liaisons of its institution hear of the decision or return;
* a supervision notice (督办) issued on a task: the liaisons of the responsible unit;
* to-dos and deadlines: ``manage.py send_notices`` (cron, daily) turns every user's
  to-dos into messages, once per to-do and day.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from rencai.accounts.models import Message, MessageKind, User
from rencai.core.roles import Role

if TYPE_CHECKING:
    from rencai.core.objects import ObjectConfig
    from rencai.core.objects.workflow import Action

logger = logging.getLogger(__name__)

#: Words of an action's name that make it a return (退回) or a decision (审批结果).
_RETURN_WORDS = ("return", "send_back", "reject", "decline", "revise", "withdraw")
_DECISION_WORDS = ("approve", "pass", "decide", "confirm", "adopt", "accept", "close", "conclude", "complete", "pay")
#: Words of a to-do's title that make it a deadline (到期提醒).
_DEADLINE_WORDS = ("逾期", "超期", "到期", "期满", "超过办理期限", "预警")  # i18n: matched against Chinese titles


def notify(
    recipients: Iterable[Any],
    title: str,
    *,
    kind: str = MessageKind.NOTICE,
    url: str = "",
    body: str = "",
    key: str = "",
) -> list[Message]:
    """Send one message to each active recipient (a user given twice gets it once; with
    ``key``, a user who already has a message of that key gets none)."""
    from rencai.core.objects.writes import create_many

    users: dict[int, User] = {}
    for user in recipients:
        if user is not None and getattr(user, "is_active", False) and user.pk not in users:
            users[user.pk] = user
    if key:
        for pk in Message.objects.filter(recipient_id__in=users, key=key).values_list("recipient_id", flat=True):
            users.pop(pk, None)
    if not users:
        return []
    messages = [
        Message(recipient=user, kind=kind, title=title[:200], body=body, url=url[:500], key=key[:200])
        for user in users.values()
    ]
    with transaction.atomic():
        create_many(Message, messages)
        ids = [m.pk for m in messages]
        transaction.on_commit(lambda: deliver(ids))
    return messages


def deliver(ids: list[int]) -> int:
    """E-mail (and SMS) the messages ``ids`` to recipients who chose so; returns how many
    e-mails went out. A delivery failure is logged, never raised: the message stays in
    the message centre."""
    sent = 0
    sms = _sms_backend()
    for message in Message.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related("recipient"):
        user = message.recipient
        text = _message_text(message)
        if settings.RENCAI_NOTICE_EMAIL and user.notify_by_email and user.email:
            try:
                send_mail(f"[{_('金融人才工作平台')}] {message.title}", text, None, [user.email])
            except Exception:  # noqa: BLE001 - a mail server down must not break the action
                logger.exception("e-mail of message %s failed", message.pk)
            else:
                sent += 1
                Message.objects.filter(pk=message.pk).update(emailed_at=timezone.now())
        if sms is not None and user.notify_by_sms and user.mobile:
            try:
                sms.send(user.mobile, f"{message.title}")
            except Exception:  # noqa: BLE001
                logger.exception("SMS of message %s failed", message.pk)
    return sent


def _message_text(message: Message) -> str:
    lines = [message.title]
    if message.body:
        lines += ["", message.body]
    if message.url:
        base = settings.RENCAI_SITE_URL.rstrip("/")
        lines += ["", _("查看：%(url)s") % {"url": f"{base}{message.url}"}]
    return "\n".join(lines)


def _sms_backend() -> Any:
    path = settings.RENCAI_SMS_BACKEND
    if not path:
        return None
    return import_string(path)()


# --- where messages come from -------------------------------------------------------------


def liaisons_of(organization: Any) -> models.QuerySet[User]:
    return User.objects.filter(organization=organization, role=Role.LIAISON, is_active=True)


def concerned_users(obj: models.Model) -> list[User]:
    """The people an object names: its fields pointing at a user, its talent's account and
    its own ``user``; failing those, the liaisons of its institution."""
    users: list[User] = []
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and field.related_model is User:
            user = getattr(obj, field.name, None)
            if user is not None:
                users.append(user)
    talent = getattr(obj, "talent", None)
    if talent is not None and getattr(talent, "user_id", None):
        users.append(talent.user)
    if not users:
        organization = getattr(obj, "organization", None)
        if isinstance(organization, models.Model):
            users.extend(liaisons_of(organization))
    return users


def action_kind(name: str) -> str:
    if any(word in name for word in _RETURN_WORDS):
        return MessageKind.RETURNED
    if any(word in name for word in _DECISION_WORDS):
        return MessageKind.DECISION
    return MessageKind.NOTICE


def after_action(config: ObjectConfig, action: Action, obj: models.Model, actor: Any) -> None:
    """Tell the people concerned (not the actor) that ``action`` was taken on ``obj``."""
    if not config.tell_concerned:
        return
    try:
        # A savepoint: a message that cannot be written never undoes the action itself.
        with transaction.atomic():
            recipients = [u for u in concerned_users(obj) if u.pk != getattr(actor, "pk", None)]
            if not recipients:
                return
            try:
                url = reverse(config.url_name("detail"), args=[obj.pk])
            except NoReverseMatch:
                url = ""
            title = _("%(kind)s「%(obj)s」：%(action)s") % {
                "kind": config.verbose_name,
                "obj": obj,
                "action": action.label,
            }
            actor_name = getattr(actor, "full_name", "") or str(actor)
            body = _("办理人：%(n)s") % {"n": actor_name}
            notify(recipients, title, kind=action_kind(action.name), url=url, body=body)
    except Exception:  # noqa: BLE001 - logged; the action stands
        logger.exception("messages about %s %s failed", config.slug, action.name)


def kind_of_todo(title: str) -> str:
    return MessageKind.DEADLINE if any(word in title for word in _DEADLINE_WORDS) else MessageKind.TODO


def send_todo_notices(users: Iterable[User] | None = None) -> int:
    """Every user's to-dos as messages, once per to-do and day; returns how many were sent."""
    from urllib.parse import urlsplit

    from rencai.core.todos import todos_for

    today = timezone.localdate().isoformat()
    sent = 0
    for user in users if users is not None else User.objects.filter(is_active=True).iterator():
        for todo in todos_for(user):
            if not todo.count:
                continue
            key = f"todo:{today}:{urlsplit(todo.url).path}:{todo.title}"[:200]
            sent += len(notify([user], todo.title, kind=kind_of_todo(todo.title), url=todo.url, key=key))
    return sent
