from django.db import migrations, models

# PostgreSQL refuses UPDATE and DELETE of audit rows. TRUNCATE stays possible for the
# table's owner (the test runner flushes with it); production runs the application as a
# role that does not own the table (docs/deploy.md). SQLite refuses UPDATE only, since
# its test flush deletes rows.
APPEND_ONLY_SQL = {
    "postgresql": (
        """
        CREATE OR REPLACE FUNCTION rencai_audit_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '审计日志只允许追加，禁止修改或删除';
        END;
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER core_auditentry_append_only
            BEFORE UPDATE OR DELETE ON core_auditentry
            FOR EACH ROW EXECUTE FUNCTION rencai_audit_append_only();
        """,
        """
        DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
        DROP FUNCTION IF EXISTS rencai_audit_append_only();
        """,
    ),
    "sqlite": (
        """
        CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
        """,
        """
        DROP TRIGGER IF EXISTS core_auditentry_no_update;
        """,
    ),
}


def _run(schema_editor, sql: str) -> None:
    for statement in _split(sql, schema_editor.connection.vendor):
        schema_editor.execute(statement)


def _split(sql: str, vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [sql]
    return [s.strip() + " END;" for s in sql.split("END;") if s.strip()]


def add_triggers(apps, schema_editor):
    pair = APPEND_ONLY_SQL.get(schema_editor.connection.vendor)
    if pair:
        _run(schema_editor, pair[0])


def drop_triggers(apps, schema_editor):
    pair = APPEND_ONLY_SQL.get(schema_editor.connection.vendor)
    if pair:
        for statement in pair[1].split(";"):
            if statement.strip():
                schema_editor.execute(statement)


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="AuditEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.PositiveBigIntegerField(unique=True, verbose_name="序号")),
                ("created_at", models.DateTimeField(db_index=True, verbose_name="时间")),
                ("user_id", models.BigIntegerField(blank=True, null=True, verbose_name="用户ID")),
                ("username", models.CharField(blank=True, db_index=True, max_length=150, verbose_name="用户")),
                ("organization_id", models.BigIntegerField(blank=True, null=True, verbose_name="机构ID")),
                ("ip", models.CharField(blank=True, max_length=64, verbose_name="IP地址")),
                ("user_agent", models.CharField(blank=True, max_length=300, verbose_name="客户端")),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("create", "新增"),
                            ("update", "修改"),
                            ("delete", "删除"),
                            ("login", "登录"),
                            ("login_failed", "登录失败"),
                            ("logout", "退出"),
                            ("export", "导出"),
                            ("unmask", "查看敏感信息"),
                            ("permission", "权限变更"),
                        ],
                        db_index=True,
                        max_length=20,
                        verbose_name="操作",
                    ),
                ),
                ("object_type", models.CharField(blank=True, db_index=True, max_length=100, verbose_name="对象类型")),
                ("object_id", models.CharField(blank=True, db_index=True, max_length=64, verbose_name="对象ID")),
                ("object_repr", models.CharField(blank=True, max_length=300, verbose_name="对象")),
                ("changes", models.JSONField(blank=True, default=dict, verbose_name="内容")),
                ("prev_hash", models.CharField(max_length=64, verbose_name="前一条哈希")),
                ("hash", models.CharField(max_length=64, unique=True, verbose_name="哈希")),
            ],
            options={"verbose_name": "审计日志", "verbose_name_plural": "审计日志", "ordering": ["-seq"]},
        ),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
