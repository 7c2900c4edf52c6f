"""Give the application's database role what it needs and nothing more (PostgreSQL)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

#: Tables the application reads but never changes.
READ_ONLY_TABLES = ("django_migrations",)
#: Tables the application appends to only.
APPEND_ONLY_TABLES = ("core_auditentry",)


def grant_statements(role: str, database: str) -> list[str]:
    quoted = connection.ops.quote_name(role)
    statements = [
        f"GRANT CONNECT ON DATABASE {connection.ops.quote_name(database)} TO {quoted}",
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {quoted}",
    ]
    statements += [f"REVOKE INSERT, UPDATE, DELETE ON {t} FROM {quoted}" for t in READ_ONLY_TABLES]
    statements += [f"REVOKE UPDATE, DELETE ON {t} FROM {quoted}" for t in APPEND_ONLY_TABLES]
    return statements


class Command(BaseCommand):
    help = (
        "（PostgreSQL）以表的所有者身份运行：授予应用数据库角色读写业务表的权限，"
        "审计表只能读取和追加，迁移记录表只读；该角色不得拥有任何表。每次 migrate 后运行。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="应用使用的数据库角色，如 rencai_app")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("只适用于 PostgreSQL：SQLite 没有数据库角色。")
        role = options["role"]
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            found = cursor.fetchone()
            if found is None:
                raise CommandError(f"数据库角色“{role}”不存在，请先 CREATE ROLE {role} LOGIN PASSWORD '…'")
            if found[0]:
                raise CommandError(f"数据库角色“{role}”是超级用户，不能作为应用角色。")
            cursor.execute("SELECT count(*) FROM pg_tables WHERE tableowner = %s", [role])
            if cursor.fetchone()[0]:
                raise CommandError(f"数据库角色“{role}”拥有表：应用角色不得拥有任何表（请用所有者角色运行 migrate）。")
            for statement in grant_statements(role, connection.settings_dict["NAME"]):
                cursor.execute(statement)
        self.stdout.write(f"已授予“{role}”应用所需的权限；审计表 core_auditentry 只能读取和追加。")
