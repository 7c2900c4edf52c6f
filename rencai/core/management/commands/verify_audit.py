from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rencai.core.audit import verify_all, write_checkpoint


class Command(BaseCommand):
    help = (
        "校验审计日志：哈希链逐条完整，且表中仍有最近一次检查点记录的链头（记录被清空、删除末尾或整体替换时失败）；"
        "通过后写入新的检查点。完整时退出码为0。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-checkpoint", action="store_true", help="校验通过后不写入新的检查点")

    def handle(self, *args: Any, **options: Any) -> None:
        checked, bad_seq, reason, checkpoint = verify_all()
        if bad_seq is not None:
            raise CommandError(f"审计链在第 {bad_seq} 条记录处断开：{reason}")
        if reason:
            raise CommandError(f"审计日志与检查点不符：{reason}")
        anchored = f"，与第 {checkpoint['seq']} 条处的检查点（{checkpoint['at']}）一致" if checkpoint else ""
        self.stdout.write(self.style.SUCCESS(f"审计链完整，共校验 {checked} 条记录{anchored}。"))
        if not options["no_checkpoint"]:
            written = write_checkpoint()
            self.stdout.write(f"已写入检查点：第 {written['seq']} 条。")
