from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "rencai.funds"
    label = "funds"
    verbose_name = _("人才专项资金")
