"""What training gives other parts: the training record on a talent's profile and the
office's to-do of enrolments waiting for confirmation."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rencai.core.objects import Section, related_sections, section_provider
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
    return [Todo(_("待确认的培训报名"), reverse("objects:enrollments-list") + "?q=", pending)] if pending else []
