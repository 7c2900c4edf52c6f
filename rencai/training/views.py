"""Training declared once (pages, export, API, imports) and its own pages: the check-in
QR code and its link, the video player with progress, certificates, and the figures."""

import json

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from rencai.core import audit
from rencai.core.actions import Action, ActionRefused, Transition, Workflow
from rencai.core.exports import write_xlsx, xlsx_response
from rencai.core.generic import RoleRequiredMixin
from rencai.core.models import AuditAction
from rencai.core.objects import ObjectConfig, Section, register, related_sections, section_provider
from rencai.core.personal import mask_name
from rencai.core.ranges import ranged_file_response
from rencai.core.roles import CITYWIDE_READERS, Role, role_of
from rencai.core.todos import Todo, todo_provider
from rencai.core.uploads import sniff_video
from rencai.talents.models import Talent
from rencai.training import figures, services
from rencai.training.documents import certificate_docx
from rencai.training.filters import ClassFilter, VideoFilter
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

OFFICE = frozenset({Role.OFFICE})
OFFICE_AND_LEADERS = frozenset({Role.OFFICE, Role.LEADER})
NOMINATORS = frozenset({Role.OFFICE, Role.LIAISON})
TRAINING_READERS = frozenset({Role.OFFICE, Role.LEADER, Role.LIAISON, Role.TALENT})
VIDEO_TYPES = {"mp4": "video/mp4", "webm": "video/webm"}


def own_talent(user) -> Talent | None:
    return Talent.objects.filter(user=user).first() if role_of(user) == Role.TALENT else None


@register
class HoursRuleObjects(ObjectConfig):
    model = HoursRule
    slug = "hours-rules"
    nav_section = "training"
    list_columns = ["mode", "factor"]
    form_fields = ["mode", "factor"]
    view_roles = OFFICE_AND_LEADERS
    change_roles = OFFICE


@register
class LecturerObjects(ObjectConfig):
    model = Lecturer
    slug = "lecturers"
    nav_section = "training"
    list_columns = ["name", "employer", "title", "topics", "is_external"]
    form_fields = ["name", "talent", "employer", "title", "topics", "is_external", "bio"]
    search_fields = ["name", "employer", "topics"]
    view_roles = TRAINING_READERS
    change_roles = OFFICE

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
    list_columns = ["name", "is_catalogue"]
    form_fields = ["name", "description", "is_catalogue"]
    view_roles = TRAINING_READERS
    change_roles = OFFICE

    def detail_sections(self, obj, user) -> list[Section]:
        return related_sections(
            [(_("培训班"), TrainingClass, ["name", "starts_on", "ends_on", "mode", "capacity", "state"])],
            user,
            programme=obj.pk,
        )


def _finish(klass: TrainingClass, user, data: dict) -> None:
    data["issued"] = services.finish_class(klass)


def _enrol_self(klass: TrainingClass, user, data: dict) -> str:
    talent = own_talent(user)
    if talent is None:
        raise ActionRefused(_("您的账号未关联人才档案，不能报名。"))
    enrollment = services.enrol(klass, talent, user, EnrolmentRoute.SELF)
    if enrollment.state == EnrolmentState.WAITLISTED:
        return _("本班名额已满，您已列入候补第%(n)s位。") % {"n": services.waiting_position(enrollment)}
    return _("已报名，待办公室确认。")


CLASS_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "open", _("开放报名"), (ClassState.PLANNED, ClassState.CLOSED), ClassState.OPEN, OFFICE, style="primary"
        ),
        Transition("close", _("截止报名"), (ClassState.OPEN,), ClassState.CLOSED, OFFICE),
        Transition(
            "finish",
            _("结业（认定学时、颁发证书）"),
            (ClassState.OPEN, ClassState.CLOSED),
            ClassState.FINISHED,
            OFFICE,
            effect=_finish,
            style="success",
        ),
    ],
)


@register
class ClassObjects(ObjectConfig):
    model = TrainingClass
    slug = "training-classes"
    nav_section = "training"
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
        "completion_percent",
    ]
    detail_fields = [*form_fields, "state"]
    filterset_class = ClassFilter
    search_fields = ["name", "programme__name"]
    ordering = ["-starts_on", "id"]
    view_roles = TRAINING_READERS
    change_roles = OFFICE
    actions = [
        *CLASS_WORKFLOW.actions(),
        Action(
            "enrol_self",
            _("自主报名"),
            frozenset({Role.TALENT}),
            _enrol_self,
            available=lambda c, user: c.state == ClassState.OPEN and c.self_enrolment,
            style="primary",
        ),
    ]

    def detail_links(self, obj, user):
        links = []
        if obj.state == ClassState.OPEN and role_of(user) in NOMINATORS:
            links.append((_("推荐报名"), f"{reverse('objects:enrollments-create')}?training_class={obj.pk}"))
        if role_of(user) == Role.TALENT and obj.state != ClassState.PLANNED:
            talent = own_talent(user)
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
    view_roles = TRAINING_READERS
    change_roles = OFFICE

    def detail_links(self, obj, user):
        if role_of(user) == Role.OFFICE:
            return [(_("签到二维码"), reverse("training:qr", args=[obj.pk]))]
        return []

    def detail_sections(self, obj, user) -> list[Section]:
        return related_sections(
            [(_("签到"), Attendance, ["talent", "method", "checked_at", "hours", "note"])], user, session=obj.pk
        )


class EnrollmentForm(forms.ModelForm):
    class Meta:
        model = Enrollment
        fields = ["training_class", "talent"]


def _confirm(enrollment: Enrollment, user, data: dict) -> None:
    services.confirm(enrollment)


def _withdraw(enrollment: Enrollment, user, data: dict) -> None:
    data["moved_up"] = services.withdraw(enrollment)


def _may_withdraw(enrollment: Enrollment, user) -> bool:
    if role_of(user) == Role.TALENT:
        return enrollment.talent.user_id == user.pk
    return True


ENROLMENT_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "confirm",
            _("确认报名"),
            (EnrolmentState.PENDING, EnrolmentState.WAITLISTED),
            EnrolmentState.CONFIRMED,
            OFFICE,
            effect=_confirm,
            style="success",
        ),
        Transition(
            "withdraw",
            _("退出（名额让给候补）"),
            (EnrolmentState.PENDING, EnrolmentState.CONFIRMED, EnrolmentState.WAITLISTED),
            EnrolmentState.WITHDRAWN,
            frozenset({Role.OFFICE, Role.LIAISON, Role.TALENT}),
            effect=_withdraw,
            condition=_may_withdraw,
            style="outline-danger",
        ),
    ],
)


@register
class EnrollmentObjects(ObjectConfig):
    model = Enrollment
    slug = "enrollments"
    nav_section = "training"
    list_columns = ["training_class", "talent", "route", "state", "hours", "completed", "certificate_number"]
    form_class = EnrollmentForm
    search_fields = ["talent__name_simplified", "certificate_number"]
    view_roles = TRAINING_READERS
    create_roles = NOMINATORS
    change_roles = frozenset()
    actions = ENROLMENT_WORKFLOW.actions()

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        form.fields["training_class"].queryset = TrainingClass.objects.filter(state=ClassState.OPEN)

    def before_save(self, instance, user, creating):
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


class AttendanceForm(forms.ModelForm):
    class Meta:
        model = Attendance
        fields = ["session", "talent", "note"]


@register
class AttendanceObjects(ObjectConfig):
    model = Attendance
    slug = "attendances"
    list_columns = ["session", "talent", "method", "checked_at", "hours"]
    form_class = AttendanceForm
    search_fields = ["talent__name_simplified"]
    view_roles = TRAINING_READERS
    change_roles = frozenset()
    import_schema = AttendanceSchema()
    import_roles = OFFICE

    def before_save(self, instance, user, creating):
        prepared = services.prepare_attendance(
            instance.session, instance.talent, CheckMethod.MANUAL, note=instance.note or _("人工补签")
        )
        instance.method, instance.checked_at, instance.hours, instance.note = (
            prepared.method,
            prepared.checked_at,
            prepared.hours,
            prepared.note,
        )


class VideoForm(forms.ModelForm):
    class Meta:
        model = Video
        fields = ["title", "topic", "lecturer", "description", "file", "duration_seconds", "hours", "is_published"]


@register
class VideoObjects(ObjectConfig):
    model = Video
    slug = "videos"
    nav_section = "training"
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
    view_roles = TRAINING_READERS
    change_roles = OFFICE

    def visible(self, user):
        videos = super().visible(user)
        return videos if role_of(user) in CITYWIDE_READERS else videos.filter(is_published=True)

    def before_save(self, instance, user, creating):
        upload = getattr(instance.file, "_file", None)
        if upload is not None and hasattr(upload, "content_type"):
            kind = check_video(upload)
            instance.content_type = VIDEO_TYPES[kind]
            instance.file_size = upload.size

    def detail_links(self, obj, user):
        if own_talent(user) is not None or role_of(user) in TRAINING_READERS:
            return [(_("观看"), reverse("training:watch", args=[obj.pk]))]
        return []


def check_video(upload) -> str:
    """mp4 or WebM, judged by the container's structure (rencai.core.uploads), within the size limit."""
    limit = settings.RENCAI_VIDEO_MAX_BYTES
    if upload.size > limit:
        raise ActionRefused(_("视频文件超过%(mb)sMB，请压缩后再上传。") % {"mb": limit // (1024 * 1024)})
    kind = sniff_video(upload, upload.size)
    if kind is not None:
        return kind
    raise ActionRefused(_("文件“%(name)s”不是视频（可上传 MP4 或 WebM）。") % {"name": upload.name})


@register
class WatchProgressObjects(ObjectConfig):
    model = WatchProgress
    slug = "watch-progress"
    list_columns = ["video", "talent", "seen_seconds", "position", "credited_on", "hours"]
    view_roles = TRAINING_READERS
    create_roles = frozenset()
    change_roles = frozenset()
    delete_roles = frozenset()


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = Feedback
        fields = ["training_class", "content_rating", "lecturer_rating", "organisation_rating", "comment"]


@register
class FeedbackObjects(ObjectConfig):
    model = Feedback
    slug = "training-feedback"
    list_columns = ["training_class", "talent", "content_rating", "lecturer_rating", "organisation_rating"]
    form_class = FeedbackForm
    view_roles = TRAINING_READERS
    create_roles = frozenset({Role.TALENT})
    change_roles = frozenset()

    def limit_form_choices(self, form, user) -> None:
        talent = own_talent(user)
        form.fields["training_class"].queryset = TrainingClass.objects.filter(
            enrollments__talent=talent, enrollments__state=EnrolmentState.CONFIRMED
        ).exclude(state=ClassState.PLANNED)

    def before_save(self, instance, user, creating):
        instance.talent = own_talent(user)
        if Feedback.objects.filter(training_class=instance.training_class, talent=instance.talent).exists():
            raise ActionRefused(_("您已评价过本班。"))


@register
class OwnTrainingObjects(ObjectConfig):
    model = OwnTraining
    slug = "own-trainings"
    nav_section = "training"
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
    view_roles = frozenset({Role.OFFICE, Role.LEADER, Role.LIAISON})
    create_roles = NOMINATORS
    change_roles = NOMINATORS
    import_schema = OwnTrainingSchema()

    def list_links(self, user):
        if role_of(user) in TRAINING_READERS - {Role.TALENT}:
            return [(_("培训统计"), reverse("training:figures"))]
        return []


@section_provider("talents")
def training_record(talent, user) -> list[Section]:
    """A talent's training on their profile: classes with hours, and credited videos."""
    sections = related_sections(
        [
            (_("培训经历"), Enrollment, ["training_class", "state", "hours", "completed", "certificate_number"]),
            (_("讲堂视频学习"), WatchProgress, ["video", "seen_seconds", "credited_on", "hours"]),
        ],
        user,
        talent=talent.pk,
    )
    year = timezone.localdate().year
    total = figures.talent_hours(talent, year)
    if sections:
        sections[0].notes.append(_("%(year)s年累计学时：%(hours)s") % {"year": year, "hours": total})
    return sections


# --- own pages ------------------------------------------------------------------------------


class QrView(RoleRequiredMixin, TemplateView):
    """The check-in code of a session for the screen in the room; it changes every minute."""

    template_name = "training/qr.html"
    roles = OFFICE
    denied_message = gettext_lazy("只有办公室人员可以展示签到码。")

    def get(self, request, pk: int):
        session = get_object_or_404(Session.objects.select_related("training_class"), pk=pk)
        url = request.build_absolute_uri(services.qr_path(session))
        context = {
            "session": session,
            "url": url,
            "svg": segno.make(url, error="m").svg_inline(scale=8),
            "count": session.attendances.count(),
        }
        template = "training/_qr_code.html" if request.headers.get("HX-Request") else self.template_name
        return render(request, template, context)


class CheckInView(LoginRequiredMixin, View):
    """The QR code's link: a talent who opens it (logged in) is marked present."""

    def get(self, request, session: int, step: int, token: str):
        talent = own_talent(request.user)
        target = get_object_or_404(Session.objects.select_related("training_class"), pk=session)
        try:
            services.check_qr(session, step, token)
            if talent is None:
                raise ActionRefused(_("请使用学员本人账号登录后扫码签到。"))
            with transaction.atomic():
                attendance = services.check_in(target, talent, CheckMethod.QR)
        except ActionRefused as exc:
            return render(request, "training/checkin.html", {"session": target, "error": str(exc)}, status=400)
        return render(request, "training/checkin.html", {"session": target, "attendance": attendance})


class VideoMixin(RoleRequiredMixin):
    roles = TRAINING_READERS
    denied_message = gettext_lazy("您的角色无权观看。")

    def video(self, pk: int) -> Video:
        return get_object_or_404(VideoObjects().visible(self.request.user), pk=pk)


class WatchView(VideoMixin, TemplateView):
    template_name = "training/watch.html"

    def get_context_data(self, **kwargs):
        video = self.video(kwargs["pk"])
        talent = own_talent(self.request.user)
        progress = services.progress_for(video, talent) if talent else None
        return {"video": video, "progress": progress}


class StreamView(VideoMixin, View):
    def get(self, request, pk: int):
        video = self.video(pk)
        return ranged_file_response(request, video.file.open("rb"), video.content_type, filename=f"{video.title}.mp4")

    head = get


class ProgressView(VideoMixin, View):
    """The player's report: seconds played since the last report."""

    def post(self, request, pk: int):
        video = self.video(pk)
        talent = own_talent(request.user)
        if talent is None:
            return JsonResponse({"error": _("只有学员本人的观看计入学时。")}, status=403)
        try:
            payload = json.loads(request.body or b"{}")
            start, end = int(payload.get("from", 0)), int(payload.get("to", 0))
        except (ValueError, TypeError):
            return JsonResponse({"error": _("上报的观看进度无效。")}, status=400)
        with transaction.atomic():
            progress = WatchProgress.objects.select_for_update().get(pk=services.progress_for(video, talent).pk)
            try:
                credited = services.report_progress(progress, start, end)
            except ActionRefused as exc:
                progress.last_report_at = timezone.now()
                progress.save(update_fields=["last_report_at", "updated_at"])
                return JsonResponse({"error": str(exc)}, status=409)
        return JsonResponse(
            {
                "seen_seconds": progress.seen_seconds,
                "share": str(progress.share),
                "credited": progress.credited_on is not None,
                "just_credited": credited,
                "hours": str(progress.hours),
            }
        )


class CertificateView(RoleRequiredMixin, View):
    roles = TRAINING_READERS
    denied_message = gettext_lazy("您的角色无权下载。")

    def get(self, request, pk: int):
        enrollment = get_object_or_404(Enrollment.objects.visible_to(request.user), pk=pk)
        if not enrollment.certificate_number:
            raise Http404
        content = certificate_docx(
            enrollment,
            request.build_absolute_uri(reverse("training:certificate-verify", args=[enrollment.certificate_number])),
        )
        audit.record(
            AuditAction.EXPORT, obj=enrollment, changes={"certificate": enrollment.certificate_number}, request=request
        )
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        response["Content-Disposition"] = content_disposition_header(
            True, f"结业证书-{enrollment.certificate_number}.docx"
        )
        return response


class CertificateVerifyView(View):
    """Public: anyone holding a certificate's number may check it (name shown masked)."""

    def get(self, request, number: str):
        enrollment = (
            Enrollment.objects.filter(certificate_number=number)
            .select_related("talent", "training_class__programme")
            .first()
        )
        masked = mask_name(enrollment.talent.name) if enrollment else ""
        context = {"enrollment": enrollment, "number": number, "masked_name": masked}
        return render(request, "training/certificate_verify.html", context, status=200 if enrollment else 404)


class FiguresView(RoleRequiredMixin, TemplateView):
    """Classes (期), participants (人次), hours per person and coverage, per institution and
    for the city; a liaison sees their own institution."""

    template_name = "training/figures.html"
    roles = frozenset({Role.OFFICE, Role.LEADER, Role.LIAISON})
    denied_message = gettext_lazy("您的角色无权查看培训统计。")

    def get(self, request, *args, **kwargs):
        period = figures.Period.from_query(request.GET)
        kind = request.GET.get("kind", "")
        table = figures.by_institution(request.user, period, kind)
        if request.GET.get("format") == "xlsx":
            audit.record(
                AuditAction.EXPORT, object_type="training.figures", changes={"period": str(period)}, request=request
            )
            return xlsx_response(write_xlsx("培训统计", figures.HEADERS, figures.rows(table)), f"培训统计-{period}")
        return self.render_to_response(
            {
                "period": period,
                "kind": kind,
                "kinds": figures.institution_kinds(),
                "table": table,
                "sentence": figures.city_sentence(table),
                "headers": figures.HEADERS,
            }
        )


@todo_provider
def training_todos(user) -> list[Todo]:
    if role_of(user) != Role.OFFICE:
        return []
    pending = Enrollment.objects.filter(state=EnrolmentState.PENDING).count()
    return [Todo(_("待确认的培训报名"), reverse("objects:enrollments-list") + "?q=", pending)] if pending else []
