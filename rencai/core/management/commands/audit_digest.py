import os
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rencai.core.audit import check_digest, checkpoint_dir, daily_digest


class Command(BaseCommand):
    help = (
        "打印审计日志每日摘要（当日记录数、日终链头、签名），供安全审计员打印签字存档；"
        "--check SEQ HASH 核对一份旧摘要的链头是否仍在表中。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="日期 YYYY-MM-DD（默认昨天）")
        parser.add_argument("--check", nargs=2, metavar=("SEQ", "HASH"), help="核对摘要上的日终链头")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate() - timedelta(days=1)
        except ValueError as exc:
            raise CommandError("日期格式应为 YYYY-MM-DD") from exc
        if options["check"]:
            seq, head = options["check"]
            if not seq.isdigit():
                raise CommandError("SEQ 应为数字")
            problem = check_digest(day, int(seq), head.strip())
            if problem:
                raise CommandError(problem)
            self.stdout.write(self.style.SUCCESS(f"{day} 的日终链头（第 {seq} 条）仍在审计日志中，一致。"))
            return
        text = daily_digest(day)
        directory = checkpoint_dir()
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = directory / f"digest-{day.isoformat()}.txt"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        self.stdout.write(text)
        self.stdout.write(f"（已保存到 {path}）")
