from io import StringIO

from django.core.management import call_command

from rencai.accounts.models import User
from rencai.core.models import AuditEntry
from rencai.orgs.models import Organization, OrganizationKind


def test_seed_demo_covers_every_kind_and_role_and_is_repeatable(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "liaison_icbc" in out.getvalue()
    kinds = set(Organization.objects.values_list("kind", flat=True))
    assert kinds == {k.value for k in OrganizationKind}
    assert Organization.objects.filter(parent__isnull=False).count() >= 8
    assert Organization.objects.count() >= 30
    assert set(User.objects.values_list("role", flat=True)) == {r for r, _ in User._meta.get_field("role").choices}
    for org in Organization.objects.exclude(credit_code=""):
        org.full_clean()
    counts = (Organization.objects.count(), User.objects.count(), AuditEntry.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Organization.objects.count(), User.objects.count(), AuditEntry.objects.count()) == counts
    assert User.objects.get(username="office").password.startswith("argon2")
