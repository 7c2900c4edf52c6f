from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from rencai.conftest import PASSWORD
from rencai.core.models import AuditEntry


def _login(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_and_failed_login_are_audited(users):
    client = Client()
    assert _login(client, "office", "wrong-Pass1").status_code == 200
    assert _login(client, "office", PASSWORD).status_code == 302
    actions = list(
        AuditEntry.objects.filter(username__in=["office", ""]).order_by("seq").values_list("action", flat=True)
    )
    assert "login_failed" in actions and actions[-1] == "login"
    failed = AuditEntry.objects.get(action="login_failed")
    assert failed.changes == {"username": "office"} and failed.ip == "127.0.0.1"


def test_lockout_after_five_failures_for_fifteen_minutes(users):
    client = Client()
    for _ in range(5):
        response = _login(client, "liaison", "Wrong#Pass9")
    response = _login(client, "liaison", PASSWORD)
    assert response.status_code == 429
    assert "锁定15分钟" in response.content.decode()
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.get(username="liaison")
    attempt.attempt_time = timezone.now() - timedelta(minutes=16)
    attempt.save()
    assert _login(Client(), "liaison", PASSWORD).status_code == 302


def test_idle_session_expires_after_thirty_minutes(users):
    client = Client()
    assert _login(client, "office", PASSWORD).status_code == 302
    assert client.session.get_expiry_age() == 30 * 60
    assert client.get("/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "password,message",
    [("Ab1!", "太短"), ("alllowercase", "至少3类"), ("abcdefgh1", "至少3类")],
)
def test_weak_passwords_are_refused(users, client_for, office_org, password, message):
    response = client_for("sysadmin").post(
        "/o/users/new/",
        {
            "username": "newuser",
            "full_name": "新用户",
            "organization": office_org.pk,
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    from rencai.accounts.models import User

    assert not User.objects.filter(username="newuser").exists()


def test_administrators_must_pass_totp(users):
    client = Client()
    assert _login(client, "auditor", PASSWORD).status_code == 302
    response = client.get("/audit/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/")
    page = client.get("/accounts/otp/").content.decode()
    assert "otp-enrolment-needed" in page
    assert client.post("/accounts/otp/", {"code": "0000-0000-0000"}).status_code == 200
    assert client.get("/audit/").status_code == 302


def test_administrator_api_needs_verified_session(users):
    client = Client()
    client.force_login(users["sysadmin"])
    assert client.get("/api/users/").status_code == 403


def test_business_roles_do_not_need_totp(users, client_for):
    assert client_for("liaison").get("/o/organizations/").status_code == 200


def test_role_separation(users, client_for):
    assert client_for("auditor").get("/audit/").status_code == 200
    assert client_for("auditor").get("/o/organizations/").status_code == 403
    assert client_for("sysadmin").get("/audit/").status_code == 403
    assert client_for("office").get("/audit/").status_code == 403
    assert client_for("secadmin").get("/o/departments/").status_code == 403


def test_security_admin_changes_roles_and_it_is_audited(users, client_for):
    talent = users["talent"]
    response = client_for("secadmin").post(
        f"/o/users/{talent.pk}/edit/", {"role": "reviewer", "_version": talent.version}
    )
    assert response.status_code == 302
    talent.refresh_from_db()
    assert talent.role == "reviewer"
    entry = AuditEntry.objects.filter(action="permission", object_id=str(talent.pk)).latest("seq")
    assert entry.changes == {"role": ["talent", "reviewer"]} and entry.username == "secadmin"


def test_leader_reads_but_cannot_write(users, client_for, bank):
    leader = client_for("leader")
    assert leader.get(f"/o/organizations/{bank.pk}/").status_code == 200
    assert leader.get(f"/o/organizations/{bank.pk}/edit/").status_code == 403
    assert leader.post("/o/organizations/new/", {"name": "x", "kind": "bank"}).status_code == 403
    assert (
        leader.patch(f"/api/organizations/{bank.pk}/", {"short_name": "x"}, content_type="application/json").status_code
        == 403
    )
