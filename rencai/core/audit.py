"""Writing and verifying the hash-chained audit log."""

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import UTC
from decimal import Decimal

from django.contrib.auth import signals as auth_signals
from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from rencai.core.context import Actor, actor_from
from rencai.core.models import AuditAction, AuditEntry, TrackedModel
from rencai.core.personal import EncryptedField, mask

GENESIS_HASH = "0" * 64
_CHAIN_LOCK_KEY = 7_262_736_169  # advisory lock id for appending to the chain on PostgreSQL


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def canonical_changes(changes: dict) -> dict:
    """The JSON form that the database will give back, so the hash survives a round trip."""
    return json.loads(json.dumps(changes, default=_jsonable, ensure_ascii=False))


def entry_content(entry: AuditEntry) -> str:
    created = entry.created_at.astimezone(UTC).isoformat(timespec="microseconds")
    content = {
        "seq": entry.seq,
        "created_at": created,
        "user_id": entry.user_id,
        "username": entry.username,
        "organization_id": entry.organization_id,
        "ip": entry.ip,
        "user_agent": entry.user_agent,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "changes": entry.changes,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def compute_hash(prev_hash: str, entry: AuditEntry) -> str:
    return hashlib.sha256((prev_hash + entry_content(entry)).encode()).hexdigest()


def _lock_chain_tail() -> tuple[int, str]:
    """Take the chain's append lock (PostgreSQL; SQLite writes one at a time anyway) for the
    rest of the transaction and return the last entry's sequence number and hash."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    last = AuditEntry.objects.order_by("-seq").only("seq", "hash").first()
    return (last.seq, last.hash) if last else (0, GENESIS_HASH)


def record(
    action: str,
    *,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict | None = None,
    actor: Actor | None = None,
    request=None,
    user=None,
) -> AuditEntry:
    """Append one entry to the chain."""
    actor = actor or actor_from(request, user)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    with transaction.atomic():
        last_seq, last_hash = _lock_chain_tail()
        entry = AuditEntry(
            seq=last_seq + 1,
            created_at=timezone.now(),
            user_id=actor.user_id,
            username=actor.username,
            organization_id=actor.organization_id,
            ip=actor.ip,
            user_agent=actor.user_agent,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:300],
            changes=canonical_changes(changes or {}),
            prev_hash=last_hash,
        )
        entry.hash = compute_hash(entry.prev_hash, entry)
        entry.save(force_insert=True)
    return entry


_BULK_COLUMNS = (
    "seq",
    "created_at",
    "user_id",
    "username",
    "organization_id",
    "ip",
    "user_agent",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "prev_hash",
    "hash",
)


def record_many(action: str, objects: Sequence[models.Model], changes: Sequence[dict], *, actor: Actor) -> int:
    """Append one entry per object in one go (an import of 100,000 rows): the same chain,
    locked once, written in bulk. ``changes`` must hold JSON values only."""
    if not objects:
        return 0
    from types import SimpleNamespace

    from rencai.core.imports.writing import insert_rows

    now = timezone.now()
    changes_field = AuditEntry._meta.get_field("changes")
    rows = []
    with transaction.atomic():
        seq, prev_hash = _lock_chain_tail()
        for obj, change in zip(objects, changes, strict=True):
            seq += 1
            entry = SimpleNamespace(
                seq=seq,
                created_at=now,
                user_id=actor.user_id,
                username=actor.username,
                organization_id=actor.organization_id,
                ip=actor.ip,
                user_agent=actor.user_agent,
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                object_repr=str(obj)[:300],
                changes=change,
                prev_hash=prev_hash,
            )
            entry.hash = prev_hash = compute_hash(prev_hash, entry)
            values = [getattr(entry, name) for name in _BULK_COLUMNS]
            values[11] = changes_field.get_db_prep_save(change, connection)
            rows.append(values)
        insert_rows(AuditEntry, _BULK_COLUMNS, rows)
    return len(rows)


def verify_chain(entries: Iterable[AuditEntry]) -> tuple[int, AuditEntry | None, str]:
    """Walk the chain in order; return (entries checked, first bad entry, reason)."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for entry in entries:
        if entry.seq != expected_seq:
            return checked, entry, f"序号不连续：应为 {expected_seq}，实际为 {entry.seq}（有记录被删除或插入）"
        if entry.prev_hash != expected_prev:
            return checked, entry, "前一条哈希不符（前一条记录被删除、插入或修改）"
        if compute_hash(entry.prev_hash, entry) != entry.hash:
            return checked, entry, "内容与哈希不符（本条记录被修改）"
        expected_prev = entry.hash
        expected_seq += 1
        checked += 1
    return checked, None, ""


# --- Automatic audit of model changes -------------------------------------------------


def field_values(instance: models.Model) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _display(instance: models.Model, attname: str, value):
    field = instance._meta.get_field(attname[:-3] if attname.endswith("_id") else attname)
    if isinstance(field, EncryptedField):
        return mask(value or "", field.kind)
    if attname in getattr(instance, "audit_secret", ()):
        return "******" if value else ""
    return value


def diff(instance: TrackedModel, before: dict | None) -> dict:
    after = field_values(instance)
    excluded = set(getattr(instance, "audit_exclude", ()))
    excluded |= {f"{name}_id" for name in excluded}
    changes = {}
    for attname, new in after.items():
        if attname in excluded or attname.endswith("_bidx"):
            continue
        old = before.get(attname) if before is not None else None
        if before is not None and attname in before and old == new:
            continue
        if before is None and new in (None, ""):
            continue
        changes[attname] = [_display(instance, attname, old), _display(instance, attname, new)]
    return changes


def _on_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, TrackedModel):
        return
    before = None if created else getattr(instance, "_audit_snapshot", {})
    changes = diff(instance, before)
    instance._audit_snapshot = field_values(instance)
    if not created and not changes:
        return
    record(AuditAction.CREATE if created else AuditAction.UPDATE, obj=instance, changes=changes)


def _on_delete(sender, instance, **kwargs):
    if not isinstance(instance, TrackedModel):
        return
    record(AuditAction.DELETE, obj=instance, changes=diff(instance, None))


def _on_login(sender, request, user, **kwargs):
    record(AuditAction.LOGIN, obj=user, request=request, user=user)


def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(AuditAction.LOGOUT, obj=user, request=request, user=user)


def _on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    record(
        AuditAction.LOGIN_FAILED,
        object_type="accounts.user",
        object_repr=username,
        changes={"username": username},
        request=request,
    )


def connect_signals() -> None:
    post_save.connect(_on_save, dispatch_uid="rencai_audit_save")
    post_delete.connect(_on_delete, dispatch_uid="rencai_audit_delete")
    auth_signals.user_logged_in.connect(_on_login, dispatch_uid="rencai_audit_login")
    auth_signals.user_logged_out.connect(_on_logout, dispatch_uid="rencai_audit_logout")
    auth_signals.user_login_failed.connect(_on_login_failed, dispatch_uid="rencai_audit_login_failed")
