"""PostgreSQL: the audit table refuses TRUNCATE too (a statement-level trigger; PostgreSQL
does not fire row triggers for TRUNCATE). Only a superuser can get round it, by
``SET session_replication_role = replica`` — which the test runner's flush does, and
which the application's role (docs/deploy.md) cannot."""

from django.db import migrations

NO_TRUNCATE = """
CREATE OR REPLACE FUNCTION rencai_audit_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计日志只允许追加，禁止清空（TRUNCATE）';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_no_truncate
    BEFORE TRUNCATE ON core_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION rencai_audit_no_truncate();
"""

DROP = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry",
    "DROP FUNCTION IF EXISTS rencai_audit_no_truncate()",
]


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NO_TRUNCATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_imports_all_or_nothing_by_default")]

    operations = [migrations.RunPython(add_trigger, drop_trigger)]
