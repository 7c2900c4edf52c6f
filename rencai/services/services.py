"""What the services do beyond plain records: turn the office's service rules into duties
towards each talent, move the contact schedule on with each visit, and complete a duty."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rencai.core.objects.writes import create_many
from rencai.services.models import DutyKind, DutyState, ServiceDuty, ServiceRule
from rencai.talents.models import Talent


def apply_rules(talent) -> tuple[int, int]:
    """Create the duties the rules give this talent and cancel open ones no rule gives any
    more (after a change of level or tier). Returns (created, cancelled)."""
    rules = [r for r in ServiceRule.objects.filter(is_active=True) if r.matches(talent)]
    if not rules and not ServiceDuty.objects.filter(talent=talent, state=DutyState.OPEN, rule__isnull=False).exists():
        return 0, 0
    today = timezone.localdate()
    created = cancelled = 0
    with transaction.atomic():
        existing = {d.rule_id: d for d in ServiceDuty.objects.filter(talent=talent, rule__isnull=False)}
        for rule in rules:
            duty = existing.get(rule.pk)
            if duty is None:
                ServiceDuty.objects.create(
                    talent=talent,
                    rule=rule,
                    kind=rule.kind,
                    title=rule.name,
                    interval_days=rule.interval_days if rule.kind == DutyKind.CONTACT else None,
                    due_date=today + timedelta(days=rule.interval_days or rule.due_days),
                )
                created += 1
            elif duty.state == DutyState.CANCELLED:
                duty.state = DutyState.OPEN
                duty.due_date = today + timedelta(days=rule.interval_days or rule.due_days)
                duty.save()
                created += 1
        kept = {r.pk for r in rules}
        for rule_id, duty in existing.items():
            if rule_id not in kept and duty.state == DutyState.OPEN:
                duty.state = DutyState.CANCELLED
                duty.notes = (duty.notes + "\n" if duty.notes else "") + _("人才层次或层级变更，规则不再适用。")
                duty.save()
                cancelled += 1
    return created, cancelled


def apply_rules_to_all() -> tuple[int, int]:
    """The rules applied to every active talent (after the office changed a rule).
    Returns (created, cancelled) over all of them."""
    created = cancelled = 0
    with transaction.atomic():
        for talent in Talent.objects.filter(is_active=True).iterator():
            made, dropped = apply_rules(talent)
            created, cancelled = created + made, cancelled + dropped
    return created, cancelled


def complete_duty(duty: ServiceDuty, completed_on, notes: str = "") -> None:
    """Mark a duty done on ``completed_on``, adding ``notes`` to what it already says."""
    duty.state = DutyState.DONE
    duty.completed_on = completed_on
    duty.notes = "\n".join(filter(None, [duty.notes, notes]))
    duty.full_clean()
    duty.version += 1
    duty.save()


def record_contact(visit) -> None:
    """A logged contact moves the talent's contact schedule on by its interval."""
    for duty in ServiceDuty.objects.filter(talent=visit.talent, kind=DutyKind.CONTACT, state=DutyState.OPEN):
        next_due = visit.visited_on + timedelta(days=duty.interval_days or 90)
        if next_due > duty.due_date:
            duty.due_date = next_due
            duty.completed_on = visit.visited_on
            duty.save()


def apply_rules_to_new(talents: list) -> int:
    """The duties the rules give a batch of newly imported talents, inserted in bulk (one
    audit entry per duty)."""
    rules = list(ServiceRule.objects.filter(is_active=True))
    today = timezone.localdate()
    duties = [
        ServiceDuty(
            talent_id=talent.pk,
            rule=rule,
            kind=rule.kind,
            title=rule.name,
            interval_days=rule.interval_days if rule.kind == DutyKind.CONTACT else None,
            due_date=today + timedelta(days=rule.interval_days or rule.due_days),
        )
        for talent in talents
        for rule in rules
        if rule.matches(talent)
    ]
    create_many(ServiceDuty, duties)
    return len(duties)
