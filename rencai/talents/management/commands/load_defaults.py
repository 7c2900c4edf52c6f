"""python manage.py load_defaults: the default dictionaries of a fresh install (run after
migrate; adds only what is missing)."""

from django.core.management.base import BaseCommand

from rencai.talents.defaults import load_defaults


class Command(BaseCommand):
    help = "装载默认字典（人才类别、层级、百千万层次等）；只补充缺少的条目。"

    def handle(self, *args, **options) -> None:
        created = load_defaults()
        self.stdout.write(f"默认字典：新增{created}项。")
