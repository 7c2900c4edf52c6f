"""The one write path of declared objects: save, delete and run an action.

Pages and the API call these and nothing else; each runs the policy check, the
declaration's hooks and the save in one transaction, and every model change in it is
written to the audit log (``core.audit`` records each save and delete of a tracked model).
A refusal is always a :class:`~rencai.core.errors.Refused` (or one of its kinds), which
the page shows as a message and the API answers with its status.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from rencai.core.errors import Conflict, NotPermitted, Refused
from rencai.core.roles import role_of
from rencai.core.versioning import check_version

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from rencai.core.objects.config import ObjectConfig
    from rencai.core.objects.workflow import Action

__all__ = ["create_many", "create_rows", "delete_object", "in_use_message", "run_action", "save_object", "update_many"]


def _refuse_outside_scope(queryset: models.QuerySet[Any], instance: models.Model) -> None:
    if not queryset.filter(pk=instance.pk).exists():
        raise NotPermitted(_("您无权修改该记录。"))


def save_object(
    config: "ObjectConfig",
    instance: models.Model,
    user: Any,
    *,
    expected_version: int | str | None = None,
    save_related: Callable[[], object] | None = None,
) -> str | None:
    """Create or update ``instance`` (already validated by the object's form) for ``user``.

    An update needs the version the editor read (``expected_version``) and is refused
    with :class:`~rencai.core.errors.StaleEdit` if someone saved in between.
    ``save_related`` saves what the form holds beside the row (many-to-many choices).
    Returns the notice of the declaration's ``after_save``, if any.
    """
    creating = instance._state.adding
    if not config.policy.allows("create" if creating else "change", user):
        raise NotPermitted(_("您的角色无权进行此操作。"))
    try:
        with transaction.atomic():
            if not creating:
                _refuse_outside_scope(config.editable(user), instance)
                check_version(instance, expected_version)
            config.before_save(instance, user, creating=creating)
            instance.save()
            if save_related is not None:
                save_related()
            return config.after_save(instance, user, creating=creating)
    except DjangoValidationError as exc:
        raise Refused.from_validation_error(exc) from exc
    except IntegrityError as exc:
        raise Conflict(_("与已有记录重复或冲突，未保存。请检查后重试。")) from exc


def in_use_message(instance: models.Model, dependents: Iterable[models.Model], hint: "StrOrPromise" = "") -> str:
    """'该人才库仍有 15 条入库记录、2 个入库批次引用，不能删除；可先办理出库。'"""
    counts = Counter(str(d._meta.verbose_name) for d in dependents)
    parts = "、".join(_("%(count)s条%(name)s") % {"count": count, "name": name} for name, count in counts.most_common())
    message = _("该%(kind)s“%(object)s”仍有%(parts)s引用，不能删除") % {
        "kind": instance._meta.verbose_name,
        "object": instance,
        "parts": parts,
    }
    return f"{message}；{hint}" if hint else f"{message}。"


def delete_object(config: "ObjectConfig", instance: models.Model, user: Any) -> None:
    """Delete ``instance`` for ``user``; a record others still refer to is refused with
    :class:`~rencai.core.errors.Conflict` naming what refers to it."""
    if not config.policy.allows("delete", user):
        raise NotPermitted(_("您的角色无权进行此操作。"))
    try:
        with transaction.atomic():
            _refuse_outside_scope(config.editable(user), instance)
            config.before_delete(instance, user)
            instance.delete()
    except ProtectedError as exc:
        raise Conflict(in_use_message(instance, exc.protected_objects, config.delete_hint)) from exc
    except RestrictedError as exc:
        raise Conflict(in_use_message(instance, exc.restricted_objects, config.delete_hint)) from exc
    except DjangoValidationError as exc:
        raise Refused.from_validation_error(exc) from exc
    except IntegrityError as exc:
        raise Conflict(_("“%(object)s”仍被其他记录引用，不能删除。") % {"object": instance}) from exc


def run_action(
    config: "ObjectConfig", action: "Action", instance: models.Model, user: Any, data: dict[str, Any]
) -> str | None:
    """Perform ``action`` on a locked copy of ``instance`` in one transaction, re-checking
    the policy, the scope and the action's own condition (the object may have moved on
    since the user loaded it)."""
    if not config.policy.allows("view", user) or role_of(user) not in action.roles:
        raise NotPermitted(_("您的角色无权进行此操作。"))
    try:
        with transaction.atomic():
            if not config.visible(user).filter(pk=instance.pk).exists():
                raise NotPermitted(_("您无权操作该记录。"))
            try:
                locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
            except ObjectDoesNotExist as exc:
                raise Conflict(_("该记录已被删除，请刷新后重试。")) from exc
            if not action.allowed(locked, user):
                raise Conflict(_("该记录的状态已变化，请刷新后重试。"))
            result = action.perform(locked, user, data)
            _tell_concerned(config, action, locked, user)
            return result
    except DjangoValidationError as exc:
        raise Refused.from_validation_error(exc) from exc
    except IntegrityError as exc:
        raise Conflict(_("与已有记录重复或冲突，未保存。请检查后重试。")) from exc


def _tell_concerned(config: "ObjectConfig", action: "Action", instance: models.Model, user: Any) -> None:
    """The message centre hears of every action taken (rencai.accounts.notices)."""
    from rencai.accounts.notices import after_action

    after_action(config, action, instance, user)


def create_many(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Insert many new rows at once (an import's career entries, the duties a rule gives
    a batch of talents) with one audit entry per row, as a ``save()`` of each would."""
    from rencai.core import audit
    from rencai.core.context import actor_from
    from rencai.core.imports.writing import insert_all
    from rencai.core.models import AuditAction

    if not objects:
        return
    with transaction.atomic():
        insert_all(model, objects)
        changes = [audit.canonical_changes(audit.diff(obj, None)) for obj in objects]
        audit.record_many(AuditAction.CREATE, objects, changes, actor=actor_from())
        for obj in objects:
            obj._audit_snapshot = audit.field_values(obj)  # type: ignore[attr-defined]


def update_many(queryset: models.QuerySet[Any], **values: Any) -> int:
    """``queryset.update(**values)`` with one audit entry per changed row (before and
    after), for the rare write that must touch rows without loading them one by one."""
    from rencai.core import audit
    from rencai.core.context import actor_from
    from rencai.core.models import AuditAction

    with transaction.atomic():
        rows = list(queryset.select_for_update())
        changed = [row for row in rows if any(getattr(row, name) != value for name, value in values.items())]
        if not changed:
            return 0
        queryset.model._default_manager.filter(pk__in=[row.pk for row in changed]).update(**values)
        before = [audit.field_values(row) for row in changed]
        for row in changed:
            for name, value in values.items():
                setattr(row, name, value)
        changes = [audit.canonical_changes(audit.diff(row, old)) for row, old in zip(changed, before, strict=True)]
        # A change only of fields the model leaves out of its audit (a tree path) is no
        # entry, as with a save().
        audited = [(row, change) for row, change in zip(changed, changes, strict=True) if change]
        audit.record_many(AuditAction.UPDATE, [r for r, c in audited], [c for r, c in audited], actor=actor_from())
        return len(changed)


def create_rows(
    model: type[models.Model],
    attnames: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    row_numbers: Sequence[int | None] | None = None,
    note: dict[str, Any] | None = None,
) -> list[int]:
    """Insert many new rows given as tuples of database-ready values for ``attnames``
    (no model instances, no signals: an import's plain creates, ``COPY`` on PostgreSQL)
    and return their new primary keys, in order.

    Audited as ONE chained entry for the call (:func:`rencai.core.audit.record_batch`):
    each row's id, its spreadsheet row (``row_numbers``) and the SHA-256 of its values,
    so ``verify_audit`` proves every row and each record's history shows the entry."""
    from rencai.core import audit
    from rencai.core.context import actor_from
    from rencai.core.imports.writing import insert_rows, next_ids
    from rencai.core.models import AuditAction

    if not rows:
        return []
    pk = model._meta.pk
    assert pk is not None
    numbers = row_numbers or [None] * len(rows)
    with transaction.atomic():
        ids = next_ids(model, len(rows))
        # ``background``: during an import the rows go to the second thread's COPY
        # (core.imports.writing.background_copies); nothing reads them before the commit.
        insert_rows(
            model,
            [pk.attname, *attnames],
            [(new_id, *row) for new_id, row in zip(ids, rows, strict=True)],
            background=True,
        )
        digests = [
            (new_id, number, audit.row_digest((new_id, *row)))
            for new_id, number, row in zip(ids, numbers, rows, strict=True)
        ]
        audit.record_batch(AuditAction.CREATE, model, attnames, digests, actor=actor_from(), note=note)
    return ids
