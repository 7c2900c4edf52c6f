"""The materialised path of the organisation tree follows every move, audited."""

from io import StringIO

from django.core.management import call_command

from rencai.core.models import AuditAction, AuditEntry
from rencai.orgs.models import Organization


def test_moving_a_unit_moves_its_branches_and_the_move_is_audited(db):
    head = Organization.objects.create(name="甲银行", kind="bank")
    other = Organization.objects.create(name="乙银行", kind="bank")
    branch = Organization.objects.create(name="甲银行济南分行", kind="bank", parent=head)
    sub = Organization.objects.create(name="甲银行历下支行", kind="bank", parent=branch)
    assert sub.path == f"{head.pk:06d}/{branch.pk:06d}/{sub.pk:06d}/"
    before = AuditEntry.objects.count()

    branch.parent = other
    branch.save()

    branch.refresh_from_db()
    sub.refresh_from_db()
    assert branch.path == f"{other.pk:06d}/{branch.pk:06d}/"
    assert sub.path == f"{other.pk:06d}/{branch.pk:06d}/{sub.pk:06d}/"
    moved = AuditEntry.objects.filter(seq__gt=before, action=AuditAction.UPDATE, object_type="orgs.organization")
    # The move is audited (parent before and after); the branches' path fixes follow from
    # it and, the path being left out of the audit as in a save(), write no empty entries.
    assert {e.object_id for e in moved} == {str(branch.pk)}
    assert moved.get().changes["parent_id"] == [head.pk, other.pk]
    assert Organization.objects.filter(path__startswith=f"{other.pk:06d}/").count() == 3
    call_command("verify_audit", stdout=StringIO())
