from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rencai.core import rotation
from rencai.core.audit import ensure_chain_algorithm, record
from rencai.core.crypto import CHAIN_HASHES, SUITES
from rencai.core.models import AuditAction
from rencai.core.personal import keyring
from rencai.secrets import format_key, generate_key


class Command(BaseCommand):
    help = (
        "密钥轮换：把全部个人信息字段重新加密、全部盲索引重新计算到当前写入密钥（RENCAI_CRYPTO 与最新的密钥版本）下；"
        "分批进行，可中断后重新运行续做，运行期间系统照常使用。审计链不改写：切换算法时写入一条切换记录。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="每批行数（默认500）")
        parser.add_argument("--max-batches", type=int, help="本次最多处理的批数（其余留待下次运行）")
        parser.add_argument("--status", action="store_true", help="只统计各字段在各密钥版本下的值数，不改写")
        parser.add_argument(
            "--generate-key",
            choices=sorted(SUITES),
            metavar="SUITE",
            help="生成一个新密钥版本（international 或 guomi）并打印配置行，不改写数据",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ring = keyring()
        if options["generate_key"]:
            version = max(ring.keys) + 1
            key = generate_key(version, options["generate_key"])
            self.stdout.write(f"RENCAI_KEY_{version}={format_key(key)}")
            self.stderr.write(
                f"请把这一行加入环境变量或密钥文件（RENCAI_KEY_FILE，权限 600），设置 RENCAI_CRYPTO={key.suite}，"
                "重启应用后再运行 rotate_keys。"
            )
            return
        if options["batch_size"] < 1:
            raise CommandError("--batch-size 应为正整数")
        target = ring.current.label
        counts = rotation.census()
        if options["status"]:
            self._print_census(counts, target)
            return
        before = rotation.pending(counts)
        algorithm = ensure_chain_algorithm()
        record(
            AuditAction.KEYS,
            object_type="core.keys",
            object_repr=f"密钥轮换开始：目标 {target}",
            changes={"event": "rotation_started", "target": target, "pending": before},
        )
        self.stdout.write(f"目标密钥：{target}；待处理 {before} 个值；审计链当前算法：{CHAIN_HASHES[algorithm]}")
        outcome = rotation.rotate(
            batch_size=options["batch_size"],
            max_batches=options["max_batches"],
            progress=lambda line: self.stdout.write(f"  {line}"),
        )
        counts = rotation.census()
        remaining = rotation.pending(counts)
        record(
            AuditAction.KEYS,
            object_type="core.keys",
            object_repr=f"密钥轮换{'完成' if not remaining else '暂停'}：目标 {target}",
            changes={
                "event": "rotation_finished" if not remaining else "rotation_paused",
                "target": target,
                "rows": outcome.rewritten,
                "values": outcome.values,
                "changed_meanwhile": outcome.changed_meanwhile,
                "unreadable": len(outcome.unreadable),
                "conflicts": len(outcome.conflicts),
                "remaining": remaining,
            },
        )
        self.stdout.write(
            f"已改写 {outcome.rewritten} 行（{outcome.values} 个值），共 {outcome.batches} 批；"
            f"期间被用户修改而跳过 {outcome.changed_meanwhile} 行。"
        )
        for where in outcome.unreadable:
            self.stderr.write(f"无法解密（保持原值）：{where}")
        for where in outcome.conflicts:
            self.stderr.write(f"新索引与其他行重复（保持原值，请核对重复登记）：{where}")
        if remaining:
            self.stdout.write(f"尚有 {remaining} 个值不在 {target} 下：请再次运行 rotate_keys。")
        else:
            old = sorted(v for v in ring.keys if v != ring.current_version)
            retire = f"；密钥版本 {', '.join(map(str, old))} 已不再需要，可在备份保留期满后移除" if old else ""
            self.stdout.write(self.style.SUCCESS(f"全部个人信息与盲索引已在 {target} 下{retire}。"))
        if outcome.unreadable or outcome.conflicts:
            raise CommandError("部分值未能轮换（见上），其余已完成。")

    def _print_census(self, counts: dict[str, Any], target: str) -> None:
        self.stdout.write(f"当前写入密钥：{target}")
        for name, labels in counts.items():
            shown = "，".join(f"{label} {n}" for label, n in sorted(labels.items())) or "（无值）"
            self.stdout.write(f"  {name}：{shown}")
        self.stdout.write(f"不在 {target} 下的值：{rotation.pending(counts)}")
