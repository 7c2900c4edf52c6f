"""Recompute the three-colour warnings of every open task (run daily, e.g. from cron)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandParser

from rencai.projects.services import recompute_all


class Command(BaseCommand):
    help = "重新计算人才工程任务的三色预警（建议每日运行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="按指定日期计算（YYYY-MM-DD），默认今天")

    def handle(self, *args, **options) -> None:
        today = date.fromisoformat(options["date"]) if options.get("date") else None
        changed = recompute_all(today)
        self.stdout.write(f"预警变化：{changed} 项任务")
