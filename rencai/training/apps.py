from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "rencai.training"
    label = "training"
    verbose_name = _("人才培训")

    def ready(self) -> None:
        from rencai.training import signals  # noqa: F401
