"""Issue 23 (8): 忘记密码 says who resets a password; the system administrator resets it to
a one-time password (audited) that must be changed at the next log-in."""

import html
import re

from django.test import Client

from rencai.conftest import PASSWORD
from rencai.core.models import AuditEntry


def test_login_page_explains_who_resets_a_password(db):
    client = Client()
    login = client.get("/accounts/login/").content.decode()
    assert "忘记密码" in login and "/accounts/password/forgot/" in login
    page = client.get("/accounts/password/forgot/").content.decode()
    assert "系统管理员" in page and "联络员" in page and "一次性密码" in page


def test_only_the_system_administrator_resets_and_the_user_must_change_it(users, client_for):
    target = users["liaison"]
    url = f"/o/users/{target.pk}/do/reset_password/"
    assert client_for("secadmin").post(url).status_code == 403
    assert client_for("office").post(url).status_code == 403
    sysadmin = client_for("sysadmin")
    assert "重置为一次性密码" in sysadmin.get(f"/o/users/{target.pk}/").content.decode()
    assert sysadmin.post(f"/o/users/{users['sysadmin'].pk}/do/reset_password/").status_code == 403  # not oneself
    response = sysadmin.post(url, follow=True)
    shown = re.search(r"一次性密码：(\S+?)（", response.content.decode())
    assert shown, response.content.decode()[-2000:]
    one_time = html.unescape(shown.group(1))
    target.refresh_from_db()
    assert target.must_change_password and target.check_password(one_time) and not target.check_password(PASSWORD)
    entry = AuditEntry.objects.filter(object_type="accounts.user", object_id=str(target.pk), action="permission").last()
    assert entry.username == "sysadmin" and one_time not in str(entry.changes)
    assert not AuditEntry.objects.filter(changes__icontains=one_time).exists()

    # The user logs in with it and is led to the password page from every page.
    client = Client()
    response = client.post("/accounts/login/", {"username": "liaison", "password": one_time}, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/password/"
    assert "已由系统管理员重置" in response.content.decode()
    assert client.get("/o/talents/")["Location"] == "/accounts/password/"
    assert client.get("/api/talents/").status_code == 403
    changed = client.post(
        "/accounts/password/",
        {"old_password": one_time, "new_password1": "Hv#8rk2Wq", "new_password2": "Hv#8rk2Wq"},
    )
    assert changed.status_code == 302
    target.refresh_from_db()
    assert not target.must_change_password
    assert client.get("/o/talents/").status_code == 200
