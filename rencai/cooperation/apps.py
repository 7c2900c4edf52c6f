from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "rencai.cooperation"
    label = "cooperation"
    verbose_name = _("党建联盟与交流合作")
