from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "rencai.services"
    label = "services"
    verbose_name = _("分层服务")

    def ready(self) -> None:
        from rencai.services import signals  # noqa: F401
