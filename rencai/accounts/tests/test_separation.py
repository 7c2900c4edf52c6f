"""Issue 16, items 2 and 7 and the lock-out: 三员分立 holds against the administrators
themselves, the second factor is bound with a one-time code another administrator issued,
and failed log-ins are counted per source address too."""

from datetime import timedelta

from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from rencai.accounts import services
from rencai.accounts.models import RoleChange, RoleChangeState, User
from rencai.conftest import PASSWORD, make_user
from rencai.core.models import AuditEntry
from rencai.core.roles import Role


def _edit_role(client, user: User, role: str):
    user.refresh_from_db()
    return client.post(f"/o/users/{user.pk}/edit/", {"role": role, "_version": user.version})


# --- item 2: no one changes their own role ------------------------------------------------


def test_security_admin_cannot_change_own_role_on_the_page(users, client_for):
    secadmin = users["secadmin"]
    for role in ("office", "auditor", "leader", "talent"):
        response = _edit_role(client_for("secadmin"), secadmin, role)
        assert response.status_code == 400
        assert "不能修改自己的角色" in response.content.decode()
        secadmin.refresh_from_db()
        assert secadmin.role == Role.SECADMIN
    assert not RoleChange.objects.exists()


def test_security_admin_cannot_change_own_role_through_the_api(users, client_for):
    secadmin = users["secadmin"]
    response = client_for("secadmin").patch(
        f"/api/users/{secadmin.pk}/",
        {"role": "office", "version": secadmin.version},
        content_type="application/json",
    )
    assert response.status_code in (200, 400)  # the API's role field is read-only
    secadmin.refresh_from_db()
    assert secadmin.role == Role.SECADMIN
    # and with the role edited directly on the instance, the service refuses it as well
    secadmin.role = Role.OFFICE
    try:
        services.before_user_save(secadmin, secadmin, creating=False)
    except Exception as exc:  # noqa: BLE001
        assert "不能修改自己的角色" in str(exc)
    else:
        raise AssertionError("own role change not refused")


def test_a_second_security_admin_cannot_make_the_first_an_office_user_alone(users, client_for, office_org):
    colleague = make_user("secadmin2", Role.SECADMIN, office_org)
    from rencai.conftest import verified_client

    response = _edit_role(verified_client(colleague), users["secadmin"], "office")
    assert response.status_code == 302
    secadmin = User.objects.get(pk=users["secadmin"].pk)
    assert secadmin.role == Role.SECADMIN  # not yet: it waits for the other administrator
    change = RoleChange.objects.get(user=secadmin)
    assert change.state == RoleChangeState.PENDING and change.to_role == Role.OFFICE


def test_the_three_admin_roles_never_combine_in_one_account(users, client_for, office_org):
    response = _edit_role(client_for("secadmin"), users["auditor"], "sysadmin")
    assert response.status_code == 400
    assert "三个角色不得由同一账号" in response.content.decode()
    assert User.objects.get(pk=users["auditor"].pk).role == Role.AUDITOR


def test_guarded_role_change_takes_effect_only_when_another_admin_confirms(users, client_for):
    talent = users["talent"]
    response = _edit_role(client_for("secadmin"), talent, "office")
    assert response.status_code == 302
    talent.refresh_from_db()
    assert talent.role == Role.TALENT
    change = RoleChange.objects.get(user=talent, state=RoleChangeState.PENDING)
    # the requester cannot confirm it
    client_for("secadmin").post(f"/accounts/role-changes/{change.pk}/confirm/")
    talent.refresh_from_db()
    assert talent.role == Role.TALENT
    # the system administrator (the other administrator) can
    page = client_for("sysadmin").get("/accounts/role-changes/")
    assert page.status_code == 200 and "确认生效" in page.content.decode()
    response = client_for("sysadmin").post(f"/accounts/role-changes/{change.pk}/confirm/")
    assert response.status_code == 302
    talent.refresh_from_db()
    assert talent.role == Role.OFFICE
    entry = AuditEntry.objects.filter(action="permission", object_id=str(talent.pk)).latest("seq")
    assert entry.changes["role"] == ["talent", "office"] and entry.username == "sysadmin"
    assert entry.changes["requested_by"] == "secadmin"


def test_others_cannot_see_or_decide_role_changes(users, client_for):
    assert client_for("auditor").get("/accounts/role-changes/").status_code == 403
    assert client_for("office").get("/accounts/role-changes/").status_code == 403


# --- item 7: enrolment with a one-time code ---------------------------------------------


def _login(client: Client, username: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def _token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_initial_password_alone_does_not_bind_an_authenticator(users):
    client = Client()
    assert _login(client, "auditor").status_code == 302
    page = client.get("/accounts/otp/").content.decode()
    assert "otp-secret" not in page and "绑定码" in page
    assert not TOTPDevice.objects.filter(user=users["auditor"]).exists()
    response = client.post("/accounts/otp/", {"code": "AAAA-BBBB-CCCC"})
    assert response.status_code == 200 and "绑定码不正确" in response.content.decode()


def test_nothing_but_the_enrolment_page_before_the_second_factor(users):
    client = Client()
    assert _login(client, "secadmin").status_code == 302
    for path in ("/accounts/password/", "/accounts/role-changes/", "/accounts/lockouts/", "/o/users/", "/audit/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/"), path
    assert client.get("/api/users/").status_code == 403
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Xy#12345abc", "new_password2": "Xy#12345abc"},
    )
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/")
    users["secadmin"].refresh_from_db()
    assert users["secadmin"].check_password(PASSWORD)


def test_enrolment_with_a_code_issued_by_another_administrator(users, client_for):
    auditor = users["auditor"]
    issued = client_for("sysadmin").post(f"/accounts/enrolment-code/{auditor.pk}/")
    assert issued.status_code == 200
    import re

    code = re.search(r'id="enrolment-code">([A-Z0-9-]+)<', issued.content.decode()).group(1)
    client = Client()
    _login(client, "auditor")
    response = client.post("/accounts/otp/", {"code": code, "next": "/audit/"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "otp-secret" in page
    device = TOTPDevice.objects.get(user=auditor, confirmed=False)
    response = client.post("/accounts/otp/", {"token": _token(device), "next": "/audit/"})
    assert response.status_code == 302 and response["Location"] == "/audit/"
    assert client.get("/audit/").status_code == 200
    # the code is used up; the next log-in asks for the authenticator's code
    assert services.valid_enrolment_code(auditor, code) is None
    other = Client()
    _login(other, "auditor")
    assert "请输入身份验证器上显示的6位验证码" in other.get("/accounts/otp/").content.decode()


def test_nobody_issues_their_own_code_and_codes_expire(users, client_for):
    secadmin = users["secadmin"]
    assert client_for("secadmin").post(f"/accounts/enrolment-code/{secadmin.pk}/").status_code == 403
    assert client_for("auditor").post(f"/accounts/enrolment-code/{secadmin.pk}/").status_code == 403
    code = services.issue_enrolment_code(secadmin, issued_by=users["sysadmin"])
    assert services.valid_enrolment_code(secadmin, code) is not None
    secadmin.enrolment_codes.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert services.valid_enrolment_code(secadmin, code) is None


def test_enrolment_code_command(users, capsys):
    call_command("enrolment_code", "sysadmin")
    out = capsys.readouterr().out
    import re

    code = re.search(r"绑定码：([A-Z0-9-]+)", out).group(1)
    assert services.valid_enrolment_code(users["sysadmin"], code) is not None


# --- lock-out per source address ---------------------------------------------------------


def test_many_names_from_one_address_lock_the_address_until_the_secadmin_unlocks(users, client_for):
    client = Client(REMOTE_ADDR="10.9.8.7")
    for n in range(12):
        _login(client, f"nobody{n}", "Wrong#Pass9")
    response = _login(client, "office")
    assert response.status_code == 429
    assert "该网络地址登录失败次数过多" in response.content.decode()
    # another address is not affected
    assert _login(Client(REMOTE_ADDR="10.9.8.8"), "liaison").status_code == 302
    page = client_for("secadmin").get("/accounts/lockouts/").content.decode()
    assert "10.9.8.7" in page
    assert client_for("sysadmin").get("/accounts/lockouts/").status_code == 403
    client_for("secadmin").post("/accounts/lockouts/", {"ip": "10.9.8.7"})
    assert _login(client, "office").status_code == 302
    assert AuditEntry.objects.filter(action="permission", object_repr="10.9.8.7").exists()
