"""The information desk's writes beyond plain CRUD, each called inside the one write path
(``save_object`` / ``run_action``), so that it is atomic and every change audited."""

from __future__ import annotations

from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rencai.bulletins.models import (
    ATTACHMENT_EXTENSIONS,
    Adoption,
    CommissionState,
    InfoAttachment,
    InfoItem,
    InfoItemVersion,
    Instruction,
    IssueState,
    ItemState,
    PeriodicalIssue,
    current_liaisons,
)
from rencai.core.errors import Conflict, NotPermitted, Refused
from rencai.core.roles import Role, role_of
from rencai.core.uploads import KIND_LABELS, check_upload, record_upload


def is_liaison_of(user: Any, organization_id: int | None) -> bool:
    """Whether ``user`` is a current liaison (联络员 on record, in term) of the unit."""
    if organization_id is None or role_of(user) != Role.LIAISON:
        return False
    return current_liaisons().filter(user=user, organization_id=organization_id).exists()


def check_submitter(item: InfoItem, user: Any) -> None:
    """A liaison submits for a unit they are the liaison of, nobody else submits."""
    if not is_liaison_of(user, item.organization_id):
        raise NotPermitted(_("您不是该单位在任的人才工作联络员，不能代该单位报送信息。"))


def record_version(item: InfoItem, user: Any, note: str = "") -> InfoItemVersion:
    """Keep the item's current text as its next version."""
    last = item.versions.aggregate(n=Max("number"))["n"] or 0
    version = InfoItemVersion(item=item, number=last + 1, title=item.title, body=item.body, edited_by=user, note=note)
    version.save()
    return version


def text_changed(item: InfoItem) -> bool:
    snapshot = getattr(item, "_audit_snapshot", {})
    return snapshot.get("title") != item.title or snapshot.get("body") != item.body


def deliver_commission(item: InfoItem) -> None:
    """An item answering a commission delivers it (on time or late, as its date says)."""
    commission = item.commission
    if commission is None or commission.state != CommissionState.OPEN:
        return
    commission.state = CommissionState.DELIVERED
    commission.delivered_at = item.submitted_at or timezone.now()
    commission.version += 1
    commission.save()


def check_attachment(attachment: InfoAttachment) -> None:
    """The file's content must be an accepted kind and match its extension."""
    checked = check_upload(attachment.file.file)
    name = attachment.file.name.rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ATTACHMENT_EXTENSIONS[checked.kind]:
        raise Refused(
            _("文件“%(name)s”的内容是%(kind)s，与扩展名“.%(ext)s”不符，请检查后重新上传。")
            % {"name": name, "kind": KIND_LABELS[checked.kind], "ext": extension or _("无")}
        )
    record_upload(attachment, checked, name)


def adopt(item: InfoItem, issue: PeriodicalIssue, order: int | None = None) -> Adoption:
    """Adopt ``item`` into ``issue`` (the end of its order unless given)."""
    if issue.state != IssueState.DRAFT:
        raise Conflict(_("%(issue)s已印发，不能再编入信息。") % {"issue": issue})
    if item.state not in (ItemState.ACCEPTED, ItemState.ADOPTED, ItemState.PUBLISHED):
        raise Conflict(_("信息“%(item)s”尚未受理，不能采用。") % {"item": item})
    if Adoption.objects.filter(issue=issue, item=item).exists():
        raise Conflict(_("该信息已编入本期，不能重复采用。"))
    if order is None:
        order = (issue.adoptions.aggregate(n=Max("order"))["n"] or 0) + 1
    adoption = Adoption(issue=issue, item=item, order=order, points=issue.periodical.points_for(item.category))
    adoption.full_clean()
    adoption.save()
    if item.state == ItemState.ACCEPTED:
        item.state = ItemState.ADOPTED
        item.adopted_at = timezone.now()
        item.version += 1
        item.save()
    return adoption


def publish_issue(issue: PeriodicalIssue) -> int:
    """Publish an issue: its items become 已刊发. Returns how many items it holds."""
    adoptions = list(issue.adoptions.select_related("item"))
    if not adoptions:
        raise Refused(_("本期尚未编入任何信息，不能印发。"))
    now = timezone.now()
    for adoption in adoptions:
        item = adoption.item
        if item.state != ItemState.PUBLISHED:
            item.state = ItemState.PUBLISHED
            item.published_at = now
            item.version += 1
            item.save()
    return len(adoptions)


def instruct(item: InfoItem, leader: Any, text: str) -> Instruction:
    if not text.strip():
        raise Refused(_("请填写批示内容。"))
    instruction = Instruction(item=item, organization_id=item.organization_id, leader=leader, text=text)
    instruction.full_clean()
    instruction.save()
    return instruction


def may_answer(instruction: Instruction, user: Any) -> bool:
    """The unit's liaisons (and the office for them) answer an instruction."""
    if role_of(user) == Role.OFFICE:
        return True
    return is_liaison_of(user, instruction.organization_id)
