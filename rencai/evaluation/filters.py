import django_filters
from django.utils.translation import gettext_lazy as _

from rencai.evaluation.models import ScoreSheet, SheetState


class ScoreSheetFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=SheetState.choices, label=_("状态"))
    review = django_filters.NumberFilter(field_name="item__review", label=_("评审"))

    class Meta:
        model = ScoreSheet
        fields = ["state", "review"]
