import django_filters
from django.utils.translation import gettext_lazy as _

from rencai.core.filters import YearFilter, yes_no_filter
from rencai.training.models import (
    ClassState,
    Enrollment,
    EnrolmentState,
    Lecturer,
    Mode,
    TrainingClass,
    TrainingProgramme,
    Video,
)


class ClassFilter(django_filters.FilterSet):
    programme = django_filters.ModelChoiceFilter(queryset=TrainingProgramme.objects.all(), label=_("培训项目"))
    state = django_filters.ChoiceFilter(choices=ClassState.choices, label=_("状态"))
    mode = django_filters.ChoiceFilter(choices=Mode.choices, label=_("培训方式"))
    self_enrolment = yes_no_filter(_("自主选学"))
    year = YearFilter(field_name="starts_on", lookup_expr="year", label=_("年度"))

    class Meta:
        model = TrainingClass
        fields = ["programme", "state", "mode", "self_enrolment", "year"]


class VideoFilter(django_filters.FilterSet):
    topic = django_filters.CharFilter(label=_("专题"))
    lecturer = django_filters.ModelChoiceFilter(queryset=Lecturer.objects.all(), label=_("讲师"))

    class Meta:
        model = Video
        fields = ["topic", "lecturer"]


class EnrollmentFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=EnrolmentState.choices, label=_("状态"))
    training_class = django_filters.ModelChoiceFilter(
        queryset=lambda request: TrainingClass.objects.visible_to(request.user), label=_("培训班")
    )

    class Meta:
        model = Enrollment
        fields = ["state", "training_class"]
