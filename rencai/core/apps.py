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
        # Each app declares its objects in views.py and its demo data in demo.py.
        autodiscover_modules("views")
