from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rencai.core.audit import verify_all, write_checkpoint
from rencai.core.crypto import CHAIN_HASHES
from rencai.core.display import plain_value


class Command(BaseCommand):
    help = (
        "校验审计日志：哈希链逐条完整（每段按其算法切换记录所指定的 SHA-256 或 SM3 校验），且表中仍有最近一次检查点记录的链头（记录被清空、删除末尾或整体替换时失败）；"
        "通过后写入新的检查点。完整时退出码为0。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-checkpoint", action="store_true", help="校验通过后不写入新的检查点")

    def handle(self, *args: Any, **options: Any) -> None:
        parts: list[dict[str, Any]] = []
        checked, bad_seq, reason, checkpoint = verify_all(parts)
        if bad_seq is not None:
            raise CommandError(f"审计链在第 {bad_seq} 条记录处断开：{reason}")
        if reason:
            raise CommandError(f"审计日志与检查点不符：{reason}")
        anchored = (
            f"，与第 {checkpoint['seq']} 条处的检查点（{plain_value(checkpoint['at'])}）一致" if checkpoint else ""
        )
        self.stdout.write(self.style.SUCCESS(f"审计链完整，共校验 {checked} 条记录{anchored}。"))
        for part in parts:
            name = CHAIN_HASHES[part["algorithm"]]
            self.stdout.write(f"  第 {part['first']}–{part['last']} 条：{name}")
        if not options["no_checkpoint"]:
            written = write_checkpoint()
            self.stdout.write(f"已写入检查点：第 {written['seq']} 条。")
