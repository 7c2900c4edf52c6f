"""Writing and verifying the hash-chained audit log.

Each entry's ``hash`` is the chain hash of the previous hash and its content. The chain
hash is the suite's (SHA-256, or SM3 under ``guomi``); when the writing suite changes, the
next entry is a switch entry (action ``keys``, object type ``core.auditchain``) whose
``changes["chain_hash"]`` names the algorithm of itself and every entry after it, until
the next switch. The chain is never rewritten: ``verify_audit`` checks each part with its
own algorithm. Entries before the first switch are SHA-256.
"""

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.contrib.auth import signals as auth_signals
from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.utils import timezone

from rencai.core import crypto, dataversion
from rencai.core.context import Actor, actor_from
from rencai.core.display import plain_value
from rencai.core.models import AuditAction, AuditEntry, TrackedModel
from rencai.core.personal import EncryptedField, mask

GENESIS_HASH = "0" * 64
#: The chain hash of the entries before the first switch entry.
FIRST_CHAIN_HASH = "sha256"
#: The object type of the entries where the chain's hash algorithm changes.
CHAIN_OBJECT_TYPE = "core.auditchain"
_CHAIN_LOCK_KEY = 7_262_736_169  # advisory lock id for appending to the chain on PostgreSQL


def _jsonable(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def canonical_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """The JSON form that the database will give back, so the hash survives a round trip."""
    canonical: dict[str, Any] = json.loads(json.dumps(changes, default=_jsonable, ensure_ascii=False))
    return canonical


def entry_content(entry: AuditEntry | SimpleNamespace) -> str:
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


def compute_hash(prev_hash: str, entry: AuditEntry | SimpleNamespace, algorithm: str = FIRST_CHAIN_HASH) -> str:
    return crypto.digest(algorithm, (prev_hash + entry_content(entry)).encode())


def chain_algorithm_in_force() -> str:
    """The hash algorithm of the newest part of the chain (named by its last switch entry)."""
    changes = (
        AuditEntry.objects.filter(object_type=CHAIN_OBJECT_TYPE, action=AuditAction.KEYS)
        .order_by("-seq")
        .values_list("changes", flat=True)
        .first()
    )
    if isinstance(changes, dict) and changes.get("chain_hash") in crypto.CHAIN_HASHES:
        return str(changes["chain_hash"])
    return FIRST_CHAIN_HASH


def _switch_if_needed(last_seq: int, last_hash: str, actor: Actor) -> tuple[int, str, str]:
    """Under the chain lock: append a switch entry when the writing suite's chain hash is
    not the one in force; (last seq, last hash, the algorithm of the next entries)."""
    in_force = chain_algorithm_in_force()
    wanted = crypto.current_suite().chain_hash
    if wanted == in_force:
        return last_seq, last_hash, in_force
    entry = _append(
        last_seq,
        last_hash,
        wanted,
        actor,
        action=AuditAction.KEYS,
        object_type=CHAIN_OBJECT_TYPE,
        object_id="",
        object_repr=f"审计链自第 {last_seq + 1} 条起使用 {crypto.CHAIN_HASHES[wanted]}",
        changes={"chain_hash": wanted, "previous": in_force, "suite": crypto.current_suite().name},
    )
    return entry.seq, entry.hash, wanted


def _append(
    last_seq: int, last_hash: str, algorithm: str, actor: Actor, *, changes: dict[str, Any], **fields: Any
) -> AuditEntry:
    """Under the chain lock: write the entry after (``last_seq``, ``last_hash``), by
    ``actor``, hashed with ``algorithm``."""
    entry = AuditEntry(
        seq=last_seq + 1,
        created_at=timezone.now(),
        user_id=actor.user_id,
        username=actor.username,
        organization_id=actor.organization_id,
        ip=actor.ip,
        user_agent=actor.user_agent,
        changes=canonical_changes(changes),
        prev_hash=last_hash,
        **fields,
    )
    entry.hash = compute_hash(entry.prev_hash, entry, algorithm)
    entry.save(force_insert=True)
    return entry


def ensure_chain_algorithm(actor: Actor | None = None) -> str:
    """Switch the chain to the writing suite's hash now (``rotate_keys`` does, so that the
    switch sits next to the rotation's own entries); the algorithm in force."""
    with transaction.atomic():
        last_seq, last_hash = _lock_chain_tail()
        _seq, _hash, algorithm = _switch_if_needed(last_seq, last_hash, actor or actor_from(None, None))
    return algorithm


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
    changes: dict[str, Any] | None = None,
    actor: Actor | None = None,
    request: HttpRequest | None = None,
    user: Any = None,
) -> AuditEntry:
    """Append one entry to the chain."""
    actor = actor or actor_from(request, user)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    with transaction.atomic():
        last_seq, last_hash = _lock_chain_tail()
        last_seq, last_hash, algorithm = _switch_if_needed(last_seq, last_hash, actor)
        entry = _append(
            last_seq,
            last_hash,
            algorithm,
            actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:300],
            changes=changes or {},
        )
        if action in dataversion.WRITES:
            dataversion.advance([dataversion.label_of(object_type)])
        _maybe_checkpoint(last_seq, entry.seq)
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


def record_many(
    action: str, objects: Sequence[models.Model], changes: Sequence[dict[str, Any]], *, actor: Actor
) -> int:
    """Append one entry per object in one go (an import of 100,000 rows): the same chain,
    locked once, written in bulk. ``changes`` must hold JSON values only."""
    if not objects:
        return 0
    from rencai.core.imports.writing import insert_rows

    now = timezone.now()
    changes_field = AuditEntry._meta.get_field("changes")
    rows: list[list[Any]] = []
    with transaction.atomic():
        seq, prev_hash = _lock_chain_tail()
        seq, prev_hash, algorithm = _switch_if_needed(seq, prev_hash, actor)
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
            entry.hash = prev_hash = compute_hash(prev_hash, entry, algorithm)
            values = [getattr(entry, name) for name in _BULK_COLUMNS]
            values[11] = changes_field.get_db_prep_save(change, connection)
            rows.append(values)
        insert_rows(AuditEntry, _BULK_COLUMNS, rows)
        if action in dataversion.WRITES:
            dataversion.advance({obj._meta.app_label for obj in objects})
        _maybe_checkpoint(seq - len(rows), seq)
    return len(rows)


def row_digest(values: Sequence[Any]) -> str:
    """The SHA-256 of one inserted row's values (the id first, then the columns its batch
    entry names, as written to the database: personal fields as their ciphertext and blind
    index) in canonical text: each value's ``str()`` (``None`` as nothing), joined by the
    unit separator U+001F, UTF-8."""
    text = "\x1f".join("" if value is None else str(value) for value in values)
    return hashlib.sha256(text.encode()).hexdigest()


def record_batch(
    action: str,
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[tuple[int, int | None, str]],
    *,
    actor: Actor,
    note: dict[str, Any] | None = None,
) -> AuditEntry | None:
    """Append ONE chained entry for many rows written at once (an import's batch): its
    ``changes["batch"]`` names the columns and lists, per row, ``[id, spreadsheet row,
    SHA-256 of the row's values]`` (:func:`row_digest`), so the chain proves every row;
    each row is linked to the entry (:class:`AuditEntryObject`) for its record's history."""
    if not rows:
        return None
    from rencai.core.imports.writing import insert_rows
    from rencai.core.models import AuditEntryObject

    label = model._meta.label_lower
    changes = {"batch": {"columns": list(columns), "rows": [list(r) for r in rows]}, **(note or {})}
    entry = record(
        action,
        object_type=label,
        object_repr=f"{model._meta.verbose_name}：批量{AuditAction(action).label} {len(rows)} 条",  # i18n: stored in the audit record
        changes=changes,
        actor=actor,
    )
    insert_rows(
        AuditEntryObject,
        ("entry_id", "object_type", "object_id"),
        [(entry.pk, label, str(r[0])) for r in rows],
        background=True,
    )
    return entry


def entries_for(object_type: str, object_id: object) -> "models.QuerySet[AuditEntry]":
    """Every entry about one record: its own entries and the batch entries that list it."""
    from rencai.core.models import AuditEntryObject

    object_id = str(object_id)
    covered = AuditEntryObject.objects.filter(object_type=object_type, object_id=object_id).values("entry_id")
    return AuditEntry.objects.filter(models.Q(object_type=object_type, object_id=object_id) | models.Q(pk__in=covered))


def batch_row(entry: AuditEntry, object_id: object) -> dict[str, Any] | None:
    """What a batch entry says of one record: ``{"id", "row", "sha256"}``, or None."""
    batch = entry.changes.get("batch") if isinstance(entry.changes, dict) else None
    if not isinstance(batch, dict):
        return None
    wanted = str(object_id)
    for found in batch.get("rows", []):
        if str(found[0]) == wanted:
            return {"id": found[0], "row": found[1], "sha256": found[2]}
    return None


def verify_chain(
    entries: Iterable[AuditEntry], parts: list[dict[str, Any]] | None = None
) -> tuple[int, AuditEntry | None, str]:
    """Walk the chain in order, each part with its own hash algorithm; return (entries
    checked, first bad entry, reason). ``parts`` receives the parts checked: algorithm,
    first and last sequence number."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    algorithm = FIRST_CHAIN_HASH
    parts = parts if parts is not None else []
    for entry in entries:
        if entry.seq != expected_seq:
            return checked, entry, f"序号不连续：应为 {expected_seq}，实际为 {entry.seq}（有记录被删除或插入）"
        if entry.prev_hash != expected_prev:
            return checked, entry, "前一条哈希不符（前一条记录被删除、插入或修改）"
        if entry.object_type == CHAIN_OBJECT_TYPE and entry.action == AuditAction.KEYS:
            named = entry.changes.get("chain_hash") if isinstance(entry.changes, dict) else None
            if named not in crypto.CHAIN_HASHES:
                return checked, entry, f"算法切换记录指定了未知的哈希算法：{named}"
            algorithm = str(named)
        if compute_hash(entry.prev_hash, entry, algorithm) != entry.hash:
            return checked, entry, f"内容与哈希不符（本条记录被修改；按 {crypto.CHAIN_HASHES[algorithm]} 校验）"
        if not parts or parts[-1]["algorithm"] != algorithm:
            parts.append({"algorithm": algorithm, "first": entry.seq, "last": entry.seq})
        parts[-1]["last"] = entry.seq
        expected_prev = entry.hash
        expected_seq += 1
        checked += 1
    return checked, None, ""


# --- Automatic audit of model changes -------------------------------------------------


def field_values(instance: models.Model) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _display(instance: models.Model, attname: str, value: Any) -> Any:
    field = instance._meta.get_field(attname[:-3] if attname.endswith("_id") else attname)
    if isinstance(field, EncryptedField):
        return mask(value or "", field.kind)
    if attname in getattr(instance, "audit_secret", ()):
        return "******" if value else ""
    return value


def diff(instance: models.Model, before: dict[str, Any] | None) -> dict[str, Any]:
    after = field_values(instance)
    excluded = set(getattr(instance, "audit_exclude", ()))
    excluded |= {f"{name}_id" for name in excluded}
    changes: dict[str, list[Any]] = {}
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


def _on_save(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw or not isinstance(instance, TrackedModel):
        return
    before = None if created else getattr(instance, "_audit_snapshot", {})
    changes = diff(instance, before)
    instance._audit_snapshot = field_values(instance)
    if not created and not changes:
        return
    record(AuditAction.CREATE if created else AuditAction.UPDATE, obj=instance, changes=changes)


def _on_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if not isinstance(instance, TrackedModel):
        return
    record(AuditAction.DELETE, obj=instance, changes=diff(instance, None))


def _on_login(sender: type[models.Model], request: HttpRequest, user: models.Model, **kwargs: Any) -> None:
    record(AuditAction.LOGIN, obj=user, request=request, user=user)


def _on_logout(sender: type[models.Model], request: HttpRequest, user: models.Model | None, **kwargs: Any) -> None:
    if user is not None:
        record(AuditAction.LOGOUT, obj=user, request=request, user=user)


def _on_login_failed(
    sender: str, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
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


# --- The chain head, anchored outside the table -------------------------------------------
#
# The table's own triggers and the application's database role keep rows from being
# changed, deleted or truncated; what a table owner (or a restored dump) can still do is
# shorten or replace the whole chain, which a hash chain alone does not reveal. So the
# head (sequence number and hash) is written, signed with an HMAC, to a file outside the
# database — periodically by the application and by ``manage.py audit_checkpoint`` from
# cron — and ``verify_audit`` fails when the table no longer holds the last anchored head.

CHECKPOINT_FILE = "checkpoints.jsonl"


def checkpoint_dir() -> Path:
    from django.conf import settings

    return Path(settings.RENCAI_AUDIT_CHECKPOINT_DIR)


def _database_label() -> str:
    settings_dict = connection.settings_dict
    return f"{connection.vendor}:{settings_dict.get('HOST') or ''}:{settings_dict.get('NAME')}"


#: The signature of checkpoints and digests: HMAC of the suite; a checkpoint names it in
#: ``mac_alg`` (lines without it are HMAC-SHA-256, as written before suites).
MAC_ALGORITHMS = {"hmac-sha256": "international", "hmac-sm3": "guomi"}


def current_mac_algorithm() -> str:
    return "hmac-sm3" if crypto.current_suite().name == "guomi" else "hmac-sha256"


def _mac(payload: dict[str, Any]) -> str:
    from django.conf import settings

    algorithm = str(payload.get("mac_alg", "hmac-sha256"))
    if algorithm not in MAC_ALGORITHMS:
        raise CheckpointError(f"未知的签名算法：{algorithm}")
    key = (settings.RENCAI_AUDIT_KEY or settings.SECRET_KEY).encode()
    message = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return crypto.mac(MAC_ALGORITHMS[algorithm], key, b"rencai.audit.checkpoint\x00" + message).hex()


def chain_head() -> tuple[int, str]:
    last = AuditEntry.objects.order_by("-seq").only("seq", "hash").first()
    return (last.seq, last.hash) if last else (0, GENESIS_HASH)


def write_checkpoint() -> dict[str, Any]:
    """Append the current head, signed, to the checkpoint file; returns the checkpoint."""
    import os

    seq, head = chain_head()
    payload: dict[str, Any] = {"db": _database_label(), "seq": seq, "hash": head, "at": timezone.now().isoformat()}
    if current_mac_algorithm() != "hmac-sha256":
        payload["mac_alg"] = current_mac_algorithm()
    line = json.dumps({**payload, "mac": _mac(payload)}, ensure_ascii=False)
    directory = checkpoint_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / CHECKPOINT_FILE
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return payload


class CheckpointError(Exception):
    """The checkpoint file itself was tampered with."""


def last_checkpoint() -> dict[str, Any] | None:
    """The newest signed checkpoint of this database (the highest sequence number), or
    None; CheckpointError when a line's signature does not match."""
    path = checkpoint_dir() / CHECKPOINT_FILE
    if not path.exists():
        return None
    label = _database_label()
    best: dict[str, Any] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            found = json.loads(raw)
            mac = found.pop("mac")
        except (ValueError, KeyError) as exc:
            raise CheckpointError(f"检查点文件第 {number} 行格式错误（文件被修改）") from exc
        import hmac

        try:
            expected = _mac(found)
        except CheckpointError as exc:
            raise CheckpointError(f"检查点文件第 {number} 行：{exc}") from exc
        if not hmac.compare_digest(mac, expected):
            raise CheckpointError(f"检查点文件第 {number} 行签名不符（文件被修改或密钥不同）")
        if found.get("db") == label and (best is None or found["seq"] >= best["seq"]):
            best = found
    return best


def verify_against_checkpoint() -> tuple[dict[str, Any] | None, str]:
    """Compare the table with the last checkpoint: (checkpoint, problem or "")."""
    try:
        checkpoint = last_checkpoint()
    except CheckpointError as exc:
        return None, str(exc)
    if checkpoint is None:
        return None, ""
    anchored = AuditEntry.objects.filter(seq=checkpoint["seq"]).only("hash").first()
    if checkpoint["seq"] > 0 and anchored is None:
        count = AuditEntry.objects.count()
        return checkpoint, (
            f"审计日志比检查点短：{plain_value(checkpoint['at'])} 的检查点记录到第 {checkpoint['seq']} 条，"
            f"表中现只有 {count} 条（记录被清空或删除）"
        )
    if anchored is not None and anchored.hash != checkpoint["hash"]:
        return (
            checkpoint,
            f"第 {checkpoint['seq']} 条记录的哈希与 {plain_value(checkpoint['at'])} 的检查点不符（审计链被替换）",
        )
    return checkpoint, ""


def verify_all(parts: list[dict[str, Any]] | None = None) -> tuple[int, int | None, str, dict[str, Any] | None]:
    """The chain and its anchor: (entries checked, seq of the first bad entry or None,
    reason, the checkpoint compared with). A reason with no bad seq is an anchor failure."""
    checked, bad, reason = verify_chain(AuditEntry.objects.order_by("seq").iterator(chunk_size=2000), parts)
    if bad is not None:
        return checked, bad.seq, reason, None
    checkpoint, problem = verify_against_checkpoint()
    return checked, None, problem, checkpoint


def _maybe_checkpoint(before: int, after: int) -> None:
    """Anchor the head every RENCAI_AUDIT_CHECKPOINT_EVERY entries, once committed."""
    from django.conf import settings

    every = settings.RENCAI_AUDIT_CHECKPOINT_EVERY
    if every and before // every != after // every:
        transaction.on_commit(_checkpoint_quietly)


def _checkpoint_quietly() -> None:
    import logging

    try:
        write_checkpoint()
    except OSError:
        logging.getLogger(__name__).exception("audit checkpoint could not be written")


def daily_digest(day: date) -> str:
    """A printable page for the auditor: the day's entries by action, the head at the end
    of the day and a signature over both, to be printed, signed and filed."""
    from datetime import datetime, time, timedelta

    from django.db.models import Count, Max, Min

    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), tz)
    end = start + timedelta(days=1)
    today = AuditEntry.objects.filter(created_at__gte=start, created_at__lt=end)
    span = today.aggregate(first=Min("seq"), last=Max("seq"), n=Count("id"))
    by_action = list(today.values("action").annotate(n=Count("id")).order_by("action"))
    head = AuditEntry.objects.filter(created_at__lt=end).order_by("-seq").only("seq", "hash").first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    payload = {
        "db": _database_label(),
        "day": day.isoformat(),
        "entries": span["n"],
        "first": span["first"],
        "last": span["last"],
        "head_seq": head_seq,
        "head_hash": head_hash,
    }
    if current_mac_algorithm() != "hmac-sha256":
        payload["mac_alg"] = current_mac_algorithm()
    labels = dict(AuditAction.choices)
    lines = [
        "金融人才工作平台 · 审计日志每日摘要",
        f"日期：{day.isoformat()}（{tz}）",
        f"数据库：{payload['db']}",
        f"当日记录：{span['n']} 条" + (f"（第 {span['first']} 至第 {span['last']} 条）" if span["n"] else ""),
    ]
    lines += [f"  {labels.get(row['action'], row['action'])}：{row['n']} 条" for row in by_action]
    lines += [
        f"日终链头：第 {head_seq} 条",
        f"链头哈希：{head_hash[:32]}",
        f"          {head_hash[32:]}",
        f"摘要签名：{_mac(payload)}（{str(payload.get('mac_alg', 'hmac-sha256')).upper()}）",
        "",
        "核对方法：次日起任何一天运行 manage.py verify_audit，并用 manage.py audit_digest --check "
        "核对本页的日期、链头与签名。",
        "",
        "安全审计员（签字）：________________    日期：____________",
    ]
    return "\n".join(lines) + "\n"


def check_digest(day: date, head_seq: int, head_hash: str) -> str:
    """Compare a printed digest's head with the table: "" when it still holds."""
    found = AuditEntry.objects.filter(seq=head_seq).only("hash").first()
    if head_seq and found is None:
        return f"表中已没有第 {head_seq} 条记录（{day} 的日终链头）：审计日志被清空或删除"
    if found is not None and found.hash != head_hash:
        return f"第 {head_seq} 条记录的哈希与 {day} 的摘要不符：审计链被替换"
    return ""


# --- Personal data in what is recorded ----------------------------------------------------

_FULL_ID_NUMBER = re.compile(r"(?<![\dXx])(\d{17}[\dXx]|\d{15})(?![\dXx])")
_FULL_MOBILE = re.compile(r"(?<!\d)((?:\+?86)?1\d{10})(?!\d)")


def redact(text: str) -> str:
    """``text`` with every full ID or mobile number in it masked (a search typed into a
    list's box, kept with an export's filters)."""
    from rencai.core.chinese import to_halfwidth

    text = to_halfwidth(str(text))
    text = _FULL_ID_NUMBER.sub(lambda m: mask(m.group(1), "id_number"), text)
    return _FULL_MOBILE.sub(lambda m: mask(m.group(1), "mobile"), text)


def redact_query(query: Mapping[str, str]) -> dict[str, str]:
    """A request's query parameters, as recorded: personal numbers masked."""
    return {str(key): redact(value) for key, value in query.items()}
