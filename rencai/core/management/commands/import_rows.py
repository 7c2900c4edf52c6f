"""Run the import pipeline from the command line: the same checks, preview and commit as
the upload page, for scripts, tests and benchmarks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rencai.core.imports.pipeline import ImportReport, run_import
from rencai.core.imports.reading import ImportFileError
from rencai.core.imports.schema import context_for
from rencai.core.objects import registered
from rencai.core.roles import Role

if TYPE_CHECKING:
    from rencai.accounts.models import User
    from rencai.orgs.models import Organization


@dataclass
class CommandLineUser:
    """The operator at the console: office-wide scope, audited as the command."""

    role: str = Role.OFFICE
    organization = None
    organization_id = None
    pk = None
    is_authenticated = True

    def get_username(self) -> str:
        return "manage.py import_rows"


class Command(BaseCommand):
    help = "导入电子表格：import_rows OBJECT FILE --org ORG [--commit] [--json]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("object", help="对象，如 talents、organizations、users")
        parser.add_argument("file", help="xlsx、xls、ods 或 csv 文件")
        parser.add_argument("--org", help="无“所在单位”列时数据所属机构：统一社会信用代码或 ID")
        parser.add_argument("--user", help="以该用户的身份和权限导入（默认：全市范围）")
        parser.add_argument("--commit", action="store_true", help="写入数据库（默认只预览）")
        parser.add_argument(
            "--valid-rows-only",
            action="store_true",
            help="只写入有效行、略过有错误的行（默认：有任何错误行则整份文件不写入）",
        )
        parser.add_argument("--all-or-nothing", action="store_true", help="（默认行为，保留以兼容旧脚本）")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
        parser.add_argument(
            "--confirm-rows", default="", help="确认这些行对已登记人员的改名或调动，如 4,7（其余这类行不写入）"
        )
        parser.add_argument("--create-departments", action="store_true", help="同时新建文件中尚不存在的部门")

    def handle(self, *args: Any, **options: Any) -> None:
        config = registered().get(options["object"])
        if config is None or config.import_schema is None:
            importable = ", ".join(sorted(s for s, c in registered().items() if c.import_schema is not None))
            raise CommandError(f"“{options['object']}”不能导入；可导入：{importable}")
        schema = config.import_schema()
        user = self._user(options["user"])
        context = context_for(user, self._organization(options["org"]), schema)
        rows = [part.strip() for part in options["confirm_rows"].split(",") if part.strip()]
        if any(not part.isdigit() for part in rows):
            raise CommandError("--confirm-rows 应为行号，用逗号分隔，如 4,7")
        context.extra["confirmed_rows"] = {int(part) for part in rows}
        context.extra["create_departments"] = options["create_departments"]
        try:
            report = run_import(
                schema,
                options["file"],
                context,
                commit=options["commit"],
                all_or_nothing=not options["valid_rows_only"],
            )
        except ImportFileError as exc:
            if options["json"]:
                self.stdout.write(json.dumps({"error": {"code": exc.code, "message": exc.message}}, ensure_ascii=False))
                raise SystemExit(2) from exc
            raise CommandError(f"{exc.message}（{exc.code}）") from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.summary(), ensure_ascii=False))
            return
        self._print(report, options["commit"])

    def _user(self, username: str | None) -> User | CommandLineUser:
        if not username:
            return CommandLineUser()
        from rencai.accounts.models import User

        try:
            user: User = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"没有用户“{username}”") from exc
        return user

    def _organization(self, value: str | None) -> Organization | None:
        if not value:
            return None
        from rencai.orgs.models import Organization

        found: Organization | None = Organization.objects.filter(credit_code=value.strip().upper()).first()
        if found is None and value.strip().isdigit():
            found = Organization.objects.filter(pk=int(value)).first()
        if found is None:
            raise CommandError(f"没有统一社会信用代码或 ID 为“{value}”的机构")
        return found

    def _print(self, report: ImportReport, commit: bool) -> None:
        summary = report.summary()
        self.stdout.write(
            "读取 {data_rows} 行，有效 {valid_rows} 行：新增 {created}，修改 {updated}，未变 {unchanged}，"
            "有错 {rejected} 行".format(**summary)
        )
        for error in report.errors[:200]:
            self.stdout.write(f"  第 {error.row} 行 [{error.column}] {error.message}（{error.code}）")
        if len(report.errors) > 200:
            self.stdout.write(f"  …… 共 {len(report.errors)} 处错误")
        if report.committed:
            self.stdout.write("已写入数据库。")
        elif commit and report.rejected:
            self.stdout.write(
                f"有 {report.rejected} 行错误，整份文件未写入数据库（加 --valid-rows-only 只写入 {report.valid_rows} 行有效数据）。"
            )
        else:
            self.stdout.write("未写入数据库（加 --commit 写入）。")
