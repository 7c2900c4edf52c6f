from typing import Any

from django.core.management.base import BaseCommand

from rencai.core.imports.jobs import purge_files


class Command(BaseCommand):
    help = (
        "删除已结束导入的上传文件，使超过保留期限（RENCAI_IMPORT_RETENTION_HOURS）未确认的预览过期；供 cron 定时运行。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = purge_files()
        self.stdout.write(
            "过期的预览 {expired} 个，删除已结束导入的文件 {removed} 个，删除无主文件 {orphans} 个。".format(**counts)
        )
