"""Training declared once for pages, export, API and imports: hours rules, lecturers,
programmes, classes and their sessions, enrolments, attendance, lecture videos and their
watch progress, feedback and the institutions' own training."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.core.errors import Refused
from rencai.core.objects import (
    Action,
    ObjectConfig,
    Policy,
    Section,
    register,
    registered,
    related_sections,
)
from rencai.core.roles import (
    ALL_BUT_EXPERTS,
    CITYWIDE_READERS,
    NOBODY,
    OFFICE_AND_LEADERS,
    OFFICE_AND_LIAISONS,
    OFFICE_LIAISONS_AND_TALENTS,
    OFFICE_ONLY,
    STAFF_AND_LIAISONS,
    TALENTS_ONLY,
    Role,
    role_of,
)
from rencai.training import figures, services
from rencai.training.filters import ClassFilter, EnrollmentFilter, VideoFilter
from rencai.training.forms import AttendanceForm, EnrollmentForm, FeedbackForm, VideoForm
from rencai.training.imports import AttendanceSchema, OwnTrainingSchema
from rencai.training.models import (
    Attendance,
    CheckMethod,
    ClassState,
    Enrollment,
    EnrolmentRoute,
    EnrolmentState,
    Feedback,
    HoursRule,
    Lecturer,
    OwnTraining,
    Session,
    TrainingClass,
    TrainingProgramme,
    Video,
    WatchProgress,
)
from rencai.training.workflows import CLASS_WORKFLOW, ENROLMENT_WORKFLOW

#: Training is read by everyone in the business but the review experts.
TRAINING_POLICY = Policy(view=ALL_BUT_EXPERTS, change=OFFICE_ONLY)


def _published_unless_staff(videos, user):
    return videos if role_of(user) in CITYWIDE_READERS else videos.filter(is_published=True)


@register
class HoursRuleObjects(ObjectConfig):
    model = HoursRule
    slug = "hours-rules"
    nav_section = "setup"
    nav_roles = OFFICE_ONLY
    list_columns = ["mode", "factor"]
    form_fields = ["mode", "factor"]
    policy = Policy(view=OFFICE_AND_LEADERS, change=OFFICE_ONLY)


@register
class LecturerObjects(ObjectConfig):
    model = Lecturer
    slug = "lecturers"
    nav_section = "training"
    nav_roles = OFFICE_ONLY
    list_columns = ["name", "employer", "title", "topics", "is_external"]
    form_fields = ["name", "talent", "employer", "title", "topics", "is_external", "bio"]
    search_fields = ["name", "employer", "topics"]
    policy = TRAINING_POLICY

    def detail_sections(self, obj, user) -> list[Section]:
        averages = figures.lecturer_ratings(obj)
        sections = related_sections(
            [(_("主讲课程"), Session, ["training_class", "title", "starts_at", "hours"])], user, lecturer=obj.pk
        )
        if averages and sections:
            sections[0].notes.append(_("学员评价（讲师授课）平均 %(avg)s 分，%(n)s 份。") % averages)
        return sections


@register
class ProgrammeObjects(ObjectConfig):
    model = TrainingProgramme
    slug = "training-programmes"
    nav_section = "training"
    nav_roles = STAFF_AND_LIAISONS
    list_columns = ["name", "is_catalogue"]
    form_fields = ["name", "description", "is_catalogue"]
    policy = TRAINING_POLICY

    def detail_sections(self, obj, user) -> list[Section]:
        return related_sections(
            [(_("培训班"), TrainingClass, ["name", "starts_on", "ends_on", "mode", "capacity", "state"])],
            user,
            programme=obj.pk,
        )


@register
class ClassObjects(ObjectConfig):
    model = TrainingClass
    slug = "training-classes"
    nav_section = "training"
    nav_roles = ALL_BUT_EXPERTS
    list_columns = ["programme", "name", "organization", "starts_on", "ends_on", "mode", "capacity", "state"]
    form_fields = [
        "programme",
        "name",
        "organization",
        "starts_on",
        "ends_on",
        "mode",
        "venue",
        "online_url",
        "lecturers",
        "capacity",
        "quota_per_organization",
        "self_enrolment",
        "categories",
        "tiers",
        "audience_organizations",
        "delegated_to",
        "completion_percent",
    ]
    detail_fields = [*form_fields, "state"]
    filterset_class = ClassFilter
    search_fields = ["name", "programme__name"]
    ordering = ["-starts_on", "id"]
    policy = TRAINING_POLICY
    actions = [
        *CLASS_WORKFLOW.actions(),
        Action(
            "enrol_self",
            gettext_lazy("自主报名"),
            TALENTS_ONLY,
            lambda klass, user, data: services.enrol_self(klass, user),
            available=lambda c, user: c.state == ClassState.OPEN and c.self_enrolment,
            style="primary",
        ),
    ]

    def detail_links(self, obj, user):
        links = []
        if obj.state == ClassState.OPEN and registered()["enrollments"].can_create(user):
            links.append((_("推荐报名"), f"{reverse('objects:enrollments-create')}?training_class={obj.pk}"))
        if role_of(user) == Role.TALENT and obj.state != ClassState.PLANNED:
            talent = services.own_talent(user)
            if talent and obj.enrollments.filter(talent=talent, state=EnrolmentState.CONFIRMED).exists():
                links.append((_("评价本班"), f"{reverse('objects:training-feedback-create')}?training_class={obj.pk}"))
        return links

    def detail_sections(self, obj, user) -> list[Section]:
        sections = related_sections(
            [
                (_("课程安排"), Session, ["pk", "title", "starts_at", "ends_at", "mode", "hours", "lecturer"]),
                (_("报名学员"), Enrollment, ["talent", "route", "state", "hours", "completed", "certificate_number"]),
            ],
            user,
            training_class=obj.pk,
        )
        held = obj.enrollments.filter(state__in=[EnrolmentState.PENDING, EnrolmentState.CONFIRMED]).count()
        waiting = obj.enrollments.filter(state=EnrolmentState.WAITLISTED).count()
        note = _("名额 %(capacity)s，已报名 %(held)s，候补 %(waiting)s。") % {
            "capacity": obj.capacity,
            "held": held,
            "waiting": waiting,
        }
        ratings = figures.class_ratings(obj)
        if ratings:
            note += _(" 学员评价：内容 %(content)s，讲师 %(lecturer)s，组织 %(organisation)s（%(n)s 份）。") % ratings
        if len(sections) > 1:
            sections[1].notes.append(note)
        return sections


@register
class SessionObjects(ObjectConfig):
    model = Session
    slug = "training-sessions"
    list_columns = ["pk", "training_class", "title", "starts_at", "ends_at", "mode", "hours", "lecturer"]
    form_fields = ["training_class", "title", "starts_at", "ends_at", "mode", "hours", "lecturer"]
    ordering = ["-starts_at"]
    policy = TRAINING_POLICY

    def detail_links(self, obj, user):
        if services.may_show_qr(obj, user):
            return [(_("签到二维码"), reverse("training:qr", args=[obj.pk]))]
        return []

    def detail_sections(self, obj, user) -> list[Section]:
        return related_sections(
            [(_("签到"), Attendance, ["talent", "method", "checked_at", "hours", "note"])], user, session=obj.pk
        )


@register
class EnrollmentObjects(ObjectConfig):
    model = Enrollment
    slug = "enrollments"
    nav_section = "training"
    nav_roles = OFFICE_LIAISONS_AND_TALENTS
    list_columns = ["training_class", "talent", "route", "state", "hours", "completed", "certificate_number"]
    form_class = EnrollmentForm
    search_fields = ["talent__name_simplified", "certificate_number"]
    filterset_class = EnrollmentFilter
    policy = Policy(view=ALL_BUT_EXPERTS, create=OFFICE_AND_LIAISONS, change=NOBODY)
    actions = ENROLMENT_WORKFLOW.actions()

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        form.fields["training_class"].queryset = TrainingClass.objects.filter(state=ClassState.OPEN)

    def before_save(self, instance, user, creating):
        if instance.training_class_id is None or instance.talent_id is None:
            return  # the form reports the missing class or talent
        instance.route = EnrolmentRoute.OFFICE if role_of(user) == Role.OFFICE else EnrolmentRoute.NOMINATED
        instance.state = services.enrolment_state(instance.training_class, instance.talent, instance.route)
        instance.requested_by = user

    def after_save(self, instance, user, creating):
        if instance.state == EnrolmentState.WAITLISTED:
            return _("本班名额已满，已列入候补第%(n)s位。") % {"n": services.waiting_position(instance)}
        return None

    def detail_links(self, obj, user):
        if obj.certificate_number:
            return [(_("结业证书（Word）"), reverse("training:certificate", args=[obj.pk]))]
        return []


@register
class AttendanceObjects(ObjectConfig):
    model = Attendance
    slug = "attendances"
    list_columns = ["session", "talent", "method", "checked_at", "hours"]
    form_class = AttendanceForm
    search_fields = ["talent__name_simplified"]
    policy = Policy(view=ALL_BUT_EXPERTS, change=NOBODY, imports=OFFICE_ONLY)
    import_schema = AttendanceSchema

    def before_save(self, instance, user, creating):
        if instance.session_id is None or instance.talent_id is None:
            return  # the form reports the missing session or talent
        prepared = services.prepare_attendance(
            instance.session, instance.talent, CheckMethod.MANUAL, note=instance.note or _("人工补签")
        )
        instance.method, instance.checked_at, instance.hours, instance.note = (
            prepared.method,
            prepared.checked_at,
            prepared.hours,
            prepared.note,
        )


@register
class VideoObjects(ObjectConfig):
    model = Video
    slug = "videos"
    nav_section = "training"
    nav_roles = OFFICE_LIAISONS_AND_TALENTS
    list_columns = ["title", "topic", "lecturer", "duration_seconds", "hours", "is_published"]
    detail_fields = [
        "title",
        "topic",
        "lecturer",
        "description",
        "content_type",
        "file_size",
        "duration_seconds",
        "hours",
    ]
    form_class = VideoForm
    filterset_class = VideoFilter
    search_fields = ["title", "topic", "lecturer__name"]
    #: An unpublished video is seen by the office and the leaders only.
    policy = Policy(view=ALL_BUT_EXPERTS, change=OFFICE_ONLY, narrow_visible=_published_unless_staff)

    def before_save(self, instance, user, creating):
        services.take_video_upload(instance)

    def detail_links(self, obj, user):
        if role_of(user) in ALL_BUT_EXPERTS:
            return [(_("观看"), reverse("training:watch", args=[obj.pk]))]
        return []


@register
class WatchProgressObjects(ObjectConfig):
    model = WatchProgress
    slug = "watch-progress"
    list_columns = ["video", "talent", "seen_seconds", "position", "credited_on", "hours"]
    policy = Policy(view=ALL_BUT_EXPERTS, create=NOBODY, change=NOBODY, delete=NOBODY)


@register
class FeedbackObjects(ObjectConfig):
    model = Feedback
    slug = "training-feedback"
    list_columns = ["training_class", "talent", "content_rating", "lecturer_rating", "organisation_rating"]
    form_class = FeedbackForm
    policy = Policy(view=ALL_BUT_EXPERTS, create=TALENTS_ONLY, change=NOBODY)

    def limit_form_choices(self, form, user) -> None:
        talent = services.own_talent(user)
        form.fields["training_class"].queryset = TrainingClass.objects.filter(
            enrollments__talent=talent, enrollments__state=EnrolmentState.CONFIRMED
        ).exclude(state=ClassState.PLANNED)

    def before_save(self, instance, user, creating):
        instance.talent = services.own_talent(user)
        if Feedback.objects.filter(training_class_id=instance.training_class_id, talent=instance.talent).exists():
            raise Refused(_("您已评价过本班。"))


@register
class OwnTrainingObjects(ObjectConfig):
    model = OwnTraining
    slug = "own-trainings"
    nav_section = "training"
    nav_roles = STAFF_AND_LIAISONS
    list_columns = ["organization", "title", "topic_kind", "starts_on", "ends_on", "sessions", "participants", "hours"]
    form_fields = [
        "organization",
        "title",
        "topic_kind",
        "starts_on",
        "ends_on",
        "sessions",
        "participants",
        "hours",
        "notes",
    ]
    search_fields = ["title", "organization__name"]
    ordering = ["-starts_on"]
    policy = Policy(view=STAFF_AND_LIAISONS, create=OFFICE_AND_LIAISONS, change=OFFICE_AND_LIAISONS)
    import_schema = OwnTrainingSchema

    def list_links(self, user):
        if role_of(user) in STAFF_AND_LIAISONS:
            return [(_("培训统计"), reverse("training:figures"))]
        return []
