"""What the review engine gives others: the to-dos of reviewers and draw supervisors."""

from django.urls import reverse
from django.utils.translation import gettext as _

from rencai.core.objects import registered
from rencai.core.roles import Role, role_of
from rencai.core.todos import Todo, todo_provider
from rencai.evaluation.models import Draw, DrawState, ReviewState, ScoreSheet, SheetState


@todo_provider
def sheets_to_score(user) -> list[Todo]:
    if role_of(user) != Role.REVIEWER:
        return []
    count = (
        ScoreSheet.objects.visible_to(user)
        .filter(state=SheetState.DRAFT, item__review__state=ReviewState.SCORING)
        .count()
    )
    if not count:
        return []
    return [Todo(_("待评分的评审对象"), reverse("objects:score-sheets-list") + "?state=draft", count)]


@todo_provider
def draws_to_sign(user) -> list[Todo]:
    if not registered()["draws"].can_view(user):
        return []
    count = Draw.objects.filter(state=DrawState.DRAWN, supervisor=user).count()
    return [Todo(_("待签字确认的专家抽取"), reverse("objects:draws-list"), count)] if count else []
