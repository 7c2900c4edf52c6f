import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from rencai.core.audit import record
from rencai.core.models import AuditAction, AuditEntry
from rencai.orgs.models import Organization


def _without_append_only_trigger(sql: str, params: list) -> None:
    """What an attacker with the table owner's rights could do: bypass the trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_append_only")
        else:
            cursor.execute("DROP TRIGGER core_auditentry_no_update")
            cursor.execute(sql, params)


@pytest.fixture
def chain(db):
    for i in range(5):
        record(AuditAction.EXPORT, object_type="test.thing", object_id=str(i), changes={"n": i})
    return list(AuditEntry.objects.order_by("seq"))


def test_model_changes_are_recorded_with_before_and_after(db):
    org = Organization.objects.create(name="审计测试银行", kind="bank")
    org = Organization.objects.get(pk=org.pk)
    org.short_name = "审计银行"
    org.save()
    entries = AuditEntry.objects.filter(object_type="orgs.organization", object_id=str(org.pk)).order_by("seq")
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].changes == {"short_name": ["", "审计银行"]}
    org_id = org.pk
    org.delete()
    assert AuditEntry.objects.filter(object_id=str(org_id), action="delete").exists()


def test_intact_chain_verifies(chain):
    call_command("verify_audit")


def test_changed_row_is_named(chain):
    target = chain[2]
    _without_append_only_trigger("UPDATE core_auditentry SET object_repr = %s WHERE id = %s", ["篡改", target.pk])
    with pytest.raises(CommandError, match=f"第 {target.seq} 条"):
        call_command("verify_audit")


def test_removed_row_is_detected(chain):
    target = chain[1]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only")
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [target.pk])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_append_only")
    with pytest.raises(CommandError, match=f"第 {chain[2].seq} 条"):
        call_command("verify_audit")


def test_inserted_row_is_detected(chain):
    forged = chain[-1]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditentry (seq, created_at, user_id, username, organization_id, ip, user_agent, action,"
            " object_type, object_id, object_repr, changes, prev_hash, hash) "
            "VALUES (%s, %s, NULL, '', NULL, '', '', 'delete', '', '', '', '{}', %s, %s)",
            [forged.seq + 1, forged.created_at, "f" * 64, "e" * 64],
        )
    with pytest.raises(CommandError, match=f"第 {forged.seq + 1} 条"):
        call_command("verify_audit")


def test_database_refuses_update(chain):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET username = 'x' WHERE id = %s", [chain[0].pk])
    assert AuditEntry.objects.get(pk=chain[0].pk).username == chain[0].username


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="only PostgreSQL refuses DELETE; SQLite test flushes delete rows"
)
def test_postgresql_refuses_delete(chain):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [chain[0].pk])
    assert AuditEntry.objects.filter(pk=chain[0].pk).exists()
