import django_filters
from django.utils.translation import gettext_lazy as _

from rencai.returns.models import ReturnPeriod, Submission, SubmissionState


class SubmissionFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=SubmissionState.choices, label=_("状态"))
    period = django_filters.ModelChoiceFilter(
        queryset=lambda request: ReturnPeriod.objects.visible_to(request.user), label=_("报告期")
    )

    class Meta:
        model = Submission
        fields = ["state", "period"]
