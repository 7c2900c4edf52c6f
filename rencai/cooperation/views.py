"""Cooperation's own pages: the activity calendar, participation per member unit per year
(with its Excel export), and an activity photo shown to those who may see the activity."""

from collections import defaultdict

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from rencai.cooperation import services
from rencai.cooperation.models import Alliance, AllianceMember
from rencai.core import audit
from rencai.core.exports import write_xlsx, xlsx_response
from rencai.core.models import AuditAction
from rencai.core.objects import registered
from rencai.core.objects.pages import RoleRequiredMixin
from rencai.core.roles import STAFF_AND_LIAISONS

PARTICIPATION_HEADERS = [
    gettext_lazy("成员单位"),
    gettext_lazy("主办活动"),
    gettext_lazy("协办活动"),
    gettext_lazy("参与活动"),
    gettext_lazy("参加人次"),
]


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year
    return year if 1900 <= year <= 2100 else timezone.localdate().year


class CalendarView(RoleRequiredMixin, TemplateView):
    """The year's joint activities and outreach lectures month by month, as the user may
    see them in their lists."""

    template_name = "cooperation/calendar.html"
    roles = STAFF_AND_LIAISONS
    denied_message = gettext_lazy("您的角色无权查看联盟活动日历。")

    def get(self, request, *args, **kwargs):
        year = _year(request)
        months: dict[int, list[tuple[object, str, str, str]]] = defaultdict(list)
        activities = registered()["joint-activities"].visible(request.user).filter(held_on__year=year)
        for activity in activities.select_related("organiser__organization"):
            months[activity.held_on.month].append(
                (activity.held_on, activity.get_kind_display(), activity.title, f"/o/joint-activities/{activity.pk}/")
            )
        lectures = registered()["outreach-lectures"].visible(request.user)
        for lecture in lectures.filter(held_on__year=year).select_related("lecturer"):
            assert lecture.held_on is not None  # filtered on its year
            months[lecture.held_on.month].append(
                (lecture.held_on, _("讲师团宣讲"), str(lecture), f"/o/outreach-lectures/{lecture.pk}/")
            )
        calendar = [(m, sorted(months[m], key=lambda e: e[0])) for m in range(1, 13)]
        return self.render_to_response(
            {"year": year, "calendar": calendar, "total": sum(len(v) for v in months.values())}
        )


class ParticipationView(RoleRequiredMixin, TemplateView):
    """Per alliance and member unit, for a year: activities organised, co-organised, taken
    part in, and the participations of its talents."""

    template_name = "cooperation/participation.html"
    roles = STAFF_AND_LIAISONS
    denied_message = gettext_lazy("您的角色无权查看成员单位参与情况。")

    def get(self, request, *args, **kwargs):
        year = _year(request)
        user = request.user
        visible_members = registered()["alliance-members"].visible(user).select_related("organization", "alliance")
        activities = registered()["joint-activities"].visible(user).filter(held_on__year=year)
        tables = []
        for alliance in Alliance.objects.filter(pk__in=visible_members.values("alliance")):
            members: list[AllianceMember] = [m for m in visible_members if m.alliance_id == alliance.pk]
            rows = services.participation(activities.filter(alliance=alliance), members)
            tables.append((alliance, rows))
        if request.GET.get("format") == "xlsx":
            audit.record(
                AuditAction.EXPORT, object_type="cooperation.participation", changes={"year": year}, request=request
            )
            lines = [
                [
                    f"{alliance} · {row.member.organization}",
                    row.organised,
                    row.co_organised,
                    row.took_part,
                    row.participants,
                ]
                for alliance, rows in tables
                for row in rows
            ]
            return xlsx_response(
                write_xlsx(_("成员单位参与情况"), [str(h) for h in PARTICIPATION_HEADERS], lines),
                _("成员单位参与情况-%(year)s") % {"year": year},
            )
        return self.render_to_response({"year": year, "tables": tables, "headers": PARTICIPATION_HEADERS})


class PhotoView(RoleRequiredMixin, View):
    roles = STAFF_AND_LIAISONS
    denied_message = gettext_lazy("您的角色无权查看活动照片。")

    def get(self, request, pk: int):
        photo = get_object_or_404(registered()["activity-photos"].visible(request.user), pk=pk)
        content_type = "image/png" if photo.file_type == "png" else "image/jpeg"
        return FileResponse(photo.file.open("rb"), content_type=content_type, filename=photo.file_name)
