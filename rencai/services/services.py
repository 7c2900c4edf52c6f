"""What the services do beyond plain records: turn the office's service rules into duties
towards each talent, move the contact schedule on with each visit, and complete a duty."""

from collections.abc import Sequence
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rencai.core.imports.writing import wait_for_background_copies
from rencai.core.objects.writes import create_many
from rencai.core.roles import Role
from rencai.services.models import ContactLeader, ContactMethod, DutyKind, DutyState, ServiceDuty, ServiceRule
from rencai.talents.models import Talent

# --- the one-to-one contact leader (一对一联系) ----------------------------------------------

#: The roles that may be a talent's contact leader.
CONTACT_ROLES = (Role.OFFICE, Role.LEADER)


def office_leaders(excluding=None):
    """The office's leaders, in the order round-robin takes them."""
    from rencai.accounts.models import User

    leaders = User.objects.filter(role=Role.LEADER, is_active=True).order_by("pk")
    return leaders.exclude(pk=excluding.pk) if excluding is not None else leaders


def named_leader(rule: ServiceRule, organization, excluding=None):
    """The leader named for ``organization`` under ``rule``: its own, else its nearest
    parent institution's."""
    named = [
        c
        for c in ContactLeader.objects.filter(
            rule=rule, leader__is_active=True, leader__role__in=CONTACT_ROLES
        ).select_related("organization", "leader")
        if organization.path.startswith(c.organization.path) and (excluding is None or c.leader_id != excluding.pk)
    ]
    best = max(named, key=lambda c: len(c.organization.path), default=None)
    return best.leader if best is not None else None


def round_robin_leader(rule: ServiceRule, excluding=None):
    """The next leader in turn: the one with the fewest open contact duties of this rule
    (ties by account order), so that successive talents go to each leader in turn."""
    from django.db.models import Count

    loads = {
        row["assigned_to"]: row["n"]
        for row in ServiceDuty.objects.filter(rule=rule, state=DutyState.OPEN, assigned_to__isnull=False)
        .values("assigned_to")
        .annotate(n=Count("pk"))
    }
    ordered = sorted(office_leaders(excluding), key=lambda u: (loads.get(u.pk, 0), u.pk))
    return ordered[0] if ordered else None


def contact_leader(rule: ServiceRule | None, talent, excluding=None):
    """The contact leader ``rule`` declares for ``talent`` (None when it declares none)."""
    if rule is None or rule.kind != DutyKind.CONTACT:
        return None
    if rule.contact_method == ContactMethod.NAMED:
        return named_leader(rule, talent.organization, excluding) or round_robin_leader(rule, excluding)
    if rule.contact_method == ContactMethod.ROUND_ROBIN:
        return round_robin_leader(rule, excluding)
    return None


def reassign_from(leader) -> int:
    """A leader left (deactivated or no longer a leader): each of their open contact duties
    goes to whom its rule now declares. Returns how many were reassigned."""
    moved = 0
    with transaction.atomic():
        for duty in ServiceDuty.objects.filter(assigned_to=leader, state=DutyState.OPEN).select_related(
            "rule", "talent__organization"
        ):
            successor = contact_leader(duty.rule, duty.talent, excluding=leader)
            duty.assigned_to = successor
            duty.notes = "\n".join(
                filter(None, [duty.notes, _("原联系领导%(name)s离任，已改派。") % {"name": leader.full_name or leader}])
            )
            duty.version += 1
            duty.save()
            moved += 1
    return moved


def reassign_named(contact: ContactLeader) -> int:
    """The leader named for an institution changed: its open duties under the rule follow."""
    moved = 0
    for duty in ServiceDuty.objects.filter(
        rule=contact.rule, state=DutyState.OPEN, talent__organization__path__startswith=contact.organization.path
    ).select_related("talent__organization"):
        leader = named_leader(contact.rule, duty.talent.organization)
        if leader is not None and duty.assigned_to_id != leader.pk:
            duty.assigned_to = leader
            duty.version += 1
            duty.save()
            moved += 1
    return moved


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
                    assigned_to=contact_leader(rule, talent),
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


def apply_rules_to_new(talents: Sequence[Talent]) -> int:
    """The duties the rules give a batch of newly imported talents, inserted in bulk (one
    audit entry per duty)."""
    rules = list(ServiceRule.objects.filter(is_active=True))
    if not rules or not talents:
        return 0
    # The duties' audit entries name their talent, read from the database: an import's
    # new talents must be there (rencai.core.imports.schema.rows_imported).
    wait_for_background_copies()
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
    named = [r for r in rules if r.kind == DutyKind.CONTACT and r.contact_method != ContactMethod.NONE]
    if named:
        by_pk = {t.pk: t for t in talents}
        for duty in duties:
            if duty.rule in named:
                # one at a time, so that round-robin sees the ones already given out
                duty.assigned_to = contact_leader(duty.rule, by_pk[duty.talent_id])
                create_many(ServiceDuty, [duty])
        duties_left = [d for d in duties if d.rule not in named]
        create_many(ServiceDuty, duties_left)
        return len(duties)
    create_many(ServiceDuty, duties)
    return len(duties)
