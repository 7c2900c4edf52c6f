from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "rencai.core"
    label = "core"
    verbose_name = _("平台核心")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from rencai.core import audit

        audit.connect_signals()
        # Each app declares its objects in objects.py and what it gives others (to-dos,
        # profile sections, figures) in providers.py; pages (views.py) are never imported
        # here, so the task worker and the dashboards do not load presentation code.
        autodiscover_modules("objects", "providers")
