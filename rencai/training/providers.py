"""What training gives other parts: the training record on a talent's profile and the
office's to-do of enrolments waiting for confirmation."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rencai.core.objects import Section, registered, related_sections, section_provider
from rencai.core.portal import PortalCard, PortalItem, detail_url, portal_card
from rencai.core.roles import Role, role_of
from rencai.core.todos import Todo, todo_provider
from rencai.training import figures
from rencai.training.models import Enrollment, EnrolmentState, WatchProgress


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


@todo_provider
def training_todos(user) -> list[Todo]:
    """Enrolments waiting for the office's confirmation (only the office confirms)."""
    if role_of(user) != Role.OFFICE:
        return []
    pending = Enrollment.objects.filter(state=EnrolmentState.PENDING).count()
    return (
        [Todo(_("待确认的培训报名"), reverse("objects:enrollments-list") + f"?state={EnrolmentState.PENDING}", pending)]
        if pending
        else []
    )


@portal_card(20)
def my_training(user) -> list[PortalCard]:
    """我的培训: classes, hours this year, certificates and videos still to finish."""
    if role_of(user) != Role.TALENT:
        return []
    me = registered()["talents"].visible(user).first()
    if me is None:
        return []
    year = timezone.localdate().year
    enrollments = (
        registered()["enrollments"]
        .visible(user)
        .exclude(state=EnrolmentState.WITHDRAWN)
        .select_related("training_class")
        .order_by("-training_class__starts_on")
    )
    certificates = [e for e in enrollments if e.certificate_number]
    unfinished = (
        registered()["watch-progress"]
        .visible(user)
        .filter(credited_on__isnull=True, video__is_published=True)
        .select_related("video")
        .order_by("-updated_at")
    )
    items = [
        PortalItem(
            str(e.training_class),
            detail_url("enrollments", e.pk),
            f"{e.training_class.starts_on:%Y-%m-%d} · {e.get_state_display()}",
            "warning" if e.state == EnrolmentState.PENDING else "secondary",
        )
        for e in enrollments[:5]
    ]
    items += [
        PortalItem(
            _("结业证书：%(klass)s") % {"klass": e.training_class},
            reverse("training:certificate", args=[e.pk]),
            e.certificate_number,
        )
        for e in certificates[:3]
    ]
    items += [
        PortalItem(
            _("继续观看：%(title)s") % {"title": p.video.title},
            reverse("training:watch", args=[p.video_id]),
            _("已看 %(share)s%%") % {"share": p.share},
            "warning",
        )
        for p in unfinished[:3]
    ]
    return [
        PortalCard(
            "training",
            _("我的培训"),
            figures=[
                (_("%(year)s年学时") % {"year": year}, str(figures.talent_hours(me, year))),
                (_("培训班"), str(len(enrollments))),
                (_("结业证书"), str(len(certificates))),
                (_("未看完的视频"), str(unfinished.count())),
            ],
            items=items,
            links=[
                (_("培训班"), reverse("objects:training-classes-list")),
                (_("我的报名"), reverse("objects:enrollments-list")),
                (_("人才管理讲堂"), reverse("objects:videos-list")),
            ],
            empty=_("暂无培训记录。可在“培训班”中报名开放的班次，或到“人才管理讲堂”观看视频。"),
        )
    ]
