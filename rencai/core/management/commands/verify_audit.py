from django.core.management.base import BaseCommand, CommandError

from rencai.core.audit import verify_chain
from rencai.core.models import AuditEntry


class Command(BaseCommand):
    help = "校验审计日志哈希链：完整时退出码为0，否则指出第一条有问题的记录。"

    def handle(self, *args, **options):
        entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
        checked, bad, reason = verify_chain(entries)
        if bad is not None:
            raise CommandError(f"审计链在第 {bad.seq} 条记录（id={bad.pk}）处断开：{reason}")
        self.stdout.write(self.style.SUCCESS(f"审计链完整，共校验 {checked} 条记录。"))
