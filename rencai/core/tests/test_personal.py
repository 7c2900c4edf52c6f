from django.conf import settings
from django.db import connection

from rencai.accounts.models import User
from rencai.core.models import AuditEntry
from rencai.core.personal import mask


def test_dump_does_not_reveal_id_or_mobile(users):
    talent = users["talent"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, mobile FROM accounts_user WHERE id = %s", [talent.pk])
        stored_id, stored_mobile = cursor.fetchone()
    assert "370102199001011231" not in stored_id
    assert stored_id.startswith(settings.RENCAI_KEYRING.current.label + ":"), "the value names its suite and key"
    assert "13800138000" not in stored_mobile
    assert User.objects.get(pk=talent.pk).id_number == "370102199001011231"


def test_exact_lookup_through_blind_index(users):
    assert list(User.objects.by_id_number("370102199001011231")) == [users["talent"]]
    assert list(User.objects.by_mobile("+86 138 0013 8000")) == [users["talent"]]
    assert not User.objects.by_mobile("13800138001").exists()


def test_masks():
    assert mask("110105194912310021", "id_number") == "110105********0021"
    assert mask("13812345678", "mobile") == "138****5678"


def test_detail_page_masks_and_unmask_is_audited(users, client_for):
    talent = users["talent"]
    page = client_for("office").get(f"/o/users/{talent.pk}/").content.decode()
    assert "370102********1231" in page
    assert "370102199001011231" not in page
    response = client_for("office").post(f"/o/users/{talent.pk}/unmask/id_number/")
    assert response.content.decode() == "370102199001011231"
    entry = AuditEntry.objects.filter(action="unmask").latest("seq")
    assert entry.object_id == str(talent.pk) and entry.changes == {"field": "id_number"}
    assert entry.username == "office"


def test_unmask_refused_without_the_right(users, client_for):
    talent = users["talent"]
    before = AuditEntry.objects.filter(action="unmask").count()
    response = client_for("leader").post(f"/o/users/{talent.pk}/unmask/id_number/")
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action="unmask").count() == before


def test_api_masks_personal_data(users, client_for):
    data = client_for("office").get(f"/api/users/{users['talent'].pk}/").json()
    assert data["mobile"] == "138****8000"


def test_audit_log_keeps_personal_data_masked(users):
    entry = AuditEntry.objects.filter(object_type="accounts.user", object_id=str(users["talent"].pk)).first()
    assert entry.changes["id_number"][1] == "370102********1231"
    assert "password" not in entry.changes or entry.changes["password"][1] == "******"
