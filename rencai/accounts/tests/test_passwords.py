"""Issue 16: the password rule refuses repeated characters, runs of neighbours and common
passwords, in Chinese, on the user form and on the password change page."""

import pytest

from rencai.accounts.models import User


@pytest.mark.parametrize(
    "password,message",
    [
        ("Xq#7aaa2Lp", "连续3个或以上相同的字符"),
        ("Mz#111qLpw", "连续3个或以上相同的字符"),
        ("Lm#1234xyZ", "连续的数字、字母或键盘相邻字符"),
        ("Qwer#9w7mZ", "连续的数字、字母或键盘相邻字符"),
        ("Ab1!Ab1!Ab1!", "同一小段字符重复"),
        ("P@ssw0rd", "密码过于常见"),
        ("Woaini@520", "密码过于常见"),
    ],
)
def test_weak_patterns_are_refused_when_an_account_is_created(users, client_for, office_org, password, message):
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
    assert not User.objects.filter(username="newuser").exists()


def test_a_strong_password_is_accepted_and_the_change_page_applies_the_rule(users, client_for, office_org):
    response = client_for("sysadmin").post(
        "/o/users/new/",
        {
            "username": "newuser",
            "full_name": "新用户",
            "organization": office_org.pk,
            "password1": "Xk#7mq2Lp",
            "password2": "Xk#7mq2Lp",
        },
    )
    assert response.status_code == 302
    from rencai.conftest import PASSWORD

    page = client_for("office").post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": "Zz#1111abc", "new_password2": "Zz#1111abc"}
    )
    assert page.status_code == 200 and "相同的字符" in page.content.decode()
