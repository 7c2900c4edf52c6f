import django_filters
from django.utils.translation import gettext_lazy as _

from rencai.accounts.models import User
from rencai.core.filters import yes_no_filter
from rencai.core.roles import Role


class UserFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("角色"))
    is_active = yes_no_filter(_("有效"))

    class Meta:
        model = User
        fields = ["role", "is_active"]
