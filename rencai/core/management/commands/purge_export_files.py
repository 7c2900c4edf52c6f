from typing import Any

from django.core.management.base import BaseCommand

from rencai.core.objects.export_jobs import purge_files


class Command(BaseCommand):
    help = "删除超过保留期限（RENCAI_EXPORT_RETENTION_HOURS）的后台导出文件和无主的导出文件夹；供 cron 定时运行。"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = purge_files()
        self.stdout.write("过期的导出文件 {expired} 个，删除无主的导出文件夹 {removed} 个。".format(**counts))
