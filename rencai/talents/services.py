"""The registry's writes beyond plain editing: key-field change requests and pool terms.

Each runs in one transaction; the saves of the tracked models are audited by signal.
"""

from datetime import date, timedelta
from typing import cast

from django.db import models, transaction
from django.utils.translation import gettext as _

from rencai.core.errors import Refused
from rencai.talents.models import ChangeRequest, PoolBatch, PoolMembership, Talent


@transaction.atomic
def submit_change_request(talent: Talent, user, proposed: dict) -> ChangeRequest:
    """Keep key-field changes (field name → [current, proposed]) for the office to decide."""
    request = ChangeRequest(talent=talent, requested_by=user)
    request.set_proposed(proposed)
    request.save()
    return request


@transaction.atomic
def apply_change_request(request: ChangeRequest) -> Talent:
    """Write the proposed values to the talent, validated as any edit is."""
    talent = Talent.objects.select_for_update().get(pk=request.talent_id)
    for name, (_current, proposed) in request.proposed.items():
        field = cast(models.Field, Talent._meta.get_field(name))  # proposals name concrete Talent fields
        if field.is_relation:
            setattr(talent, field.attname, proposed)
        elif isinstance(field, models.DateField) and proposed:
            setattr(talent, name, date.fromisoformat(proposed))
        else:
            setattr(talent, name, proposed)
    talent.full_clean()
    talent.version += 1
    talent.save()
    return talent


@transaction.atomic
def leave_pool(membership: PoolMembership, left_on: date, reason: str) -> PoolMembership:
    """Close a talent's term in a pool (出库) on ``left_on`` for ``reason``."""
    membership.left_on = left_on
    membership.exit_reason = reason
    membership.full_clean()
    membership.version += 1
    membership.save()
    return membership


@transaction.atomic
def renew_membership(
    membership: PoolMembership, term_end: date, *, batch: PoolBatch | None = None, source_detail: str = ""
) -> PoolMembership:
    """A new term starts the day after the old one ends; the old one is closed as 续任.
    Returns the new term."""
    assert membership.term_end is not None  # only a term with an end is renewed (the renew action's condition)
    start = membership.term_end + timedelta(days=1)
    if term_end <= start:
        raise Refused(_("新任期届满日期必须晚于 %(date)s。") % {"date": start})
    membership.left_on = membership.term_end
    membership.exit_reason = "任期届满，续任"  # stored data, in Chinese whatever the UI language
    membership.version += 1
    membership.save()
    renewal = PoolMembership(
        pool=membership.pool,
        batch=batch or membership.batch,
        talent=membership.talent,
        specialty=membership.specialty,
        source=membership.source,
        source_detail=source_detail or "续任",
        joined_on=start,
        term_end=term_end,
        renewed_from=membership,
    )
    renewal.full_clean()
    renewal.save()
    return renewal
