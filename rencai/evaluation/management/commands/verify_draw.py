"""Recompute expert draws from their published records and say whether they match."""

from django.core.management.base import BaseCommand, CommandError

from rencai.evaluation.models import Draw, DrawState
from rencai.evaluation.services import verify_draw


class Command(BaseCommand):
    help = "重新计算专家抽取结果并与公布记录核对（verify_draw ID … 或 --all）"

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int)
        parser.add_argument("--all", action="store_true", dest="every", help="核对所有已抽取的记录")

    def handle(self, *args, ids, every, **options):
        if every:
            draws = list(Draw.objects.exclude(state=DrawState.PREPARED).order_by("pk"))
        else:
            if not ids:
                raise CommandError("请给出抽取记录编号，或使用 --all。")
            draws = list(Draw.objects.filter(pk__in=ids).order_by("pk"))
            missing = set(ids) - {d.pk for d in draws}
            if missing:
                raise CommandError(f"找不到抽取记录：{', '.join(map(str, sorted(missing)))}")
        failed = 0
        for draw in draws:
            if draw.state == DrawState.PREPARED:
                raise CommandError(f"抽取记录 {draw.pk} 尚未抽取。")
            checks = verify_draw(draw)
            ok = all(c.ok for c in checks)
            failed += not ok
            self.stdout.write(f"抽取 #{draw.pk}（{draw.review}）：{'一致' if ok else '不一致'}")
            for check in checks:
                mark = "✓" if check.ok else "✗"
                self.stdout.write(f"  {mark} {check.label}：{check.recomputed}")
        if failed:
            raise CommandError(f"{failed} 条抽取记录与公布记录不一致。")
        self.stdout.write(self.style.SUCCESS(f"已核对 {len(draws)} 条抽取记录，全部一致。"))
