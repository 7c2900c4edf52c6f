from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rencai.core.audit import verify_against_checkpoint, write_checkpoint


class Command(BaseCommand):
    help = "把审计链的链头（序号与哈希，HMAC 签名）追加到数据库之外的检查点文件；供 cron 每几分钟运行。"

    def handle(self, *args: Any, **options: Any) -> None:
        _checkpoint, problem = verify_against_checkpoint()
        if problem:
            raise CommandError(f"审计日志与上一个检查点不符，未写入新的检查点：{problem}")
        written = write_checkpoint()
        self.stdout.write(f"已写入检查点：第 {written['seq']} 条，{written['hash'][:16]}…")
