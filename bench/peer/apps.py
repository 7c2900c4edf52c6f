"""Bench-only app: the django-import-export side of ``bench/import_talents.py``."""

from django.apps import AppConfig


class PeerConfig(AppConfig):
    name = "bench.peer"
    label = "peer"
    verbose_name = "Import benchmark peer"
    default_auto_field = "django.db.models.BigAutoField"
