from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "载入演示数据（可重复执行，结果相同）：每个应用的 demo.load()，按应用顺序。"

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            for app in apps.get_app_configs():
                if not app.name.startswith("rencai."):
                    continue
                try:
                    load = import_string(f"{app.name}.demo.load")
                except ImportError:
                    continue
                load(self.stdout)
