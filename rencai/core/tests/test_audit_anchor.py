"""Issue 16, item 3: the audit log cannot be emptied or shortened unnoticed. Its head is
anchored, signed, outside the table; PostgreSQL refuses TRUNCATE; the application's
database role can neither change, delete nor truncate audit rows."""

import json
import os
import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from rencai.core import audit
from rencai.core.models import AuditAction, AuditEntry

postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL only")


def _chain(n: int = 5) -> int:
    """``n`` entries; returns the length of the log, which under RENCAI_CRYPTO=guomi also
    holds the entry that notes the chain's key."""
    for i in range(n):
        audit.record(AuditAction.EXPORT, object_type="test.thing", object_id=str(i), changes={"n": i})
    return AuditEntry.objects.count()


def _as_owner_bypassing_triggers(*statements: str) -> None:
    """What someone with the table owner's (or a superuser's) rights can still do."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        for statement in statements:
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def test_an_emptied_log_fails_verification(db):
    length = _chain()
    call_command("verify_audit", stdout=StringIO())  # anchors the head at the last entry
    _as_owner_bypassing_triggers(
        "TRUNCATE core_auditentry" if connection.vendor == "postgresql" else "DELETE FROM core_auditentry"
    )
    assert AuditEntry.objects.count() == 0
    with pytest.raises(
        CommandError, match=f"比检查点短：\\d{{4}}-\\d\\d-\\d\\d \\d\\d:\\d\\d 的检查点.*第 {length} 条.*只有 0 条"
    ):
        call_command("verify_audit", stdout=StringIO())


def test_deleting_the_newest_entries_fails_verification(db):
    _chain()
    call_command("audit_checkpoint", stdout=StringIO())
    _as_owner_bypassing_triggers("DELETE FROM core_auditentry WHERE seq >= 4")
    with pytest.raises(CommandError, match="比检查点短"):
        call_command("verify_audit", stdout=StringIO())
    with pytest.raises(CommandError, match="未写入新的检查点"):
        call_command("audit_checkpoint", stdout=StringIO())


def test_a_replaced_chain_fails_verification(db):
    _chain(3)
    call_command("audit_checkpoint", stdout=StringIO())
    _as_owner_bypassing_triggers("DELETE FROM core_auditentry")
    _chain(3)  # a fresh, internally consistent chain of the same length
    with pytest.raises(CommandError, match="与.*检查点不符.*被替换"):
        call_command("verify_audit", stdout=StringIO())


def test_the_checkpoint_file_is_signed(db, settings):
    _chain(2)
    call_command("audit_checkpoint", stdout=StringIO())
    path = settings.RENCAI_AUDIT_CHECKPOINT_DIR / audit.CHECKPOINT_FILE
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    line = json.loads(path.read_text().splitlines()[-1])
    line["seq"] = 1  # an attacker lowering the anchor to match a shortened table
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n")
    with pytest.raises(CommandError, match="签名不符"):
        call_command("verify_audit", stdout=StringIO())


def test_an_intact_log_verifies_against_its_checkpoint_and_the_application_anchors_it(
    db, settings, django_capture_on_commit_callbacks
):
    settings.RENCAI_AUDIT_CHECKPOINT_EVERY = 4
    with django_capture_on_commit_callbacks(execute=True):
        length = _chain(5)
    checkpoint = audit.last_checkpoint()
    assert checkpoint is not None and checkpoint["seq"] >= 4
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert f"审计链完整，共校验 {length} 条记录" in out.getvalue() and "检查点" in out.getvalue()


def test_daily_digest_for_the_auditor(db, settings):
    length = _chain(3)
    today = timezone.localdate()
    out = StringIO()
    call_command("audit_digest", "--date", today.isoformat(), stdout=out)
    text = out.getvalue()
    assert "审计日志每日摘要" in text and f"当日记录：{length} 条" in text and f"日终链头：第 {length} 条" in text
    assert "安全审计员（签字）" in text
    assert (settings.RENCAI_AUDIT_CHECKPOINT_DIR / f"digest-{today.isoformat()}.txt").exists()
    head = AuditEntry.objects.get(seq=length).hash
    call_command("audit_digest", "--date", today.isoformat(), "--check", str(length), head, stdout=StringIO())
    _as_owner_bypassing_triggers(f"DELETE FROM core_auditentry WHERE seq = {length}")
    with pytest.raises(CommandError, match=f"已没有第 {length} 条"):
        call_command("audit_digest", "--date", today.isoformat(), "--check", str(length), head, stdout=StringIO())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("audit_digest", "--date", "2026-13-45", stdout=StringIO())
    assert re.search(r"摘要签名：[0-9a-f]{64}", audit.daily_digest(date(2020, 1, 1)))


def test_the_auditor_page_reports_a_shortened_log(db, users, client_for):
    _chain(3)
    call_command("audit_checkpoint", stdout=StringIO())
    assert "一致" in client_for("auditor").get("/audit/verify/").content.decode()
    _as_owner_bypassing_triggers("DELETE FROM core_auditentry WHERE seq > 2")
    page = client_for("auditor").get("/audit/verify/").content.decode()
    assert "审计日志与检查点不符" in page


@postgresql_only
def test_postgresql_refuses_truncate_of_the_audit_table(db):
    _chain(2)
    with pytest.raises(DatabaseError, match="禁止清空"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_auditentry")
    assert AuditEntry.objects.count() == 2


@pytest.fixture
def app_role(transactional_db):
    """The application's role as .ci/run (RENCAI_TEST_APP_ROLE) or this test creates it,
    granted by ``grant_app_role`` exactly as docs/deploy.md says."""
    import secrets

    name = os.environ.get("RENCAI_TEST_APP_ROLE") or f"{connection.settings_dict['NAME']}_app"[:60]
    password = os.environ.get("RENCAI_TEST_APP_PASSWORD") or secrets.token_urlsafe(16)
    created = False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE ROLE {connection.ops.quote_name(name)} LOGIN PASSWORD %s", [password])
            created = True
        elif not os.environ.get("RENCAI_TEST_APP_PASSWORD"):
            cursor.execute(f"ALTER ROLE {connection.ops.quote_name(name)} PASSWORD %s", [password])
    call_command("grant_app_role", name, stdout=StringIO())
    yield name, password
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {connection.ops.quote_name(name)}")
        if created:
            cursor.execute(f"DROP ROLE {connection.ops.quote_name(name)}")


@postgresql_only
def test_the_application_role_cannot_change_delete_or_truncate_audit_rows(app_role):
    import psycopg

    _chain(2)
    name, password = app_role
    settings_dict = connection.settings_dict
    with psycopg.connect(
        host=settings_dict.get("HOST") or "127.0.0.1",
        port=settings_dict.get("PORT") or 5432,
        dbname=settings_dict["NAME"],
        user=name,
        password=password,
        autocommit=True,
    ) as app:
        assert app.execute("SELECT count(*) FROM core_auditentry").fetchone()[0] == 2
        app.execute("SELECT count(*) FROM talents_talent")
        for statement in (
            "TRUNCATE core_auditentry",
            "DELETE FROM core_auditentry",
            "UPDATE core_auditentry SET username = 'x'",
            "ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only",
            "SET session_replication_role = replica",
            "DELETE FROM django_migrations",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute(statement)
    assert AuditEntry.objects.count() == 2
