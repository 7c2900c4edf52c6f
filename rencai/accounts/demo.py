"""Demo users, one or more for every role."""

from rencai.accounts.models import User
from rencai.core.roles import Role
from rencai.orgs.demo import OFFICE
from rencai.orgs.models import Organization

DEMO_PASSWORD = "Rencai@2026"

#: (username, full name, role, organisation, mobile, id number)
USERS = [
    ("office", "王建国", "office", OFFICE, "13805310001", "370102197803150015"),
    ("office2", "李敏", "office", OFFICE, "13805310002", ""),
    ("leader", "赵志远", "leader", OFFICE, "13805310003", ""),
    ("liaison_icbc", "刘洋", "liaison", "中国工商银行股份有限公司济南分行", "13905310011", ""),
    ("liaison_qlbank", "孙丽华", "liaison", "齐鲁银行股份有限公司", "13905310012", ""),
    ("liaison_zts", "周鹏", "liaison", "中泰证券股份有限公司", "13905310013", ""),
    ("liaison_picc", "吴静", "liaison", "中国人民财产保险股份有限公司济南市分公司", "13905310014", ""),
    ("liaison_fintech", "郑凯", "liaison", "济南金科数据科技有限公司", "13905310015", ""),
    ("expert", "陈思远", "reviewer", "山东财经大学", "13705310021", ""),
    ("expert2", "黄文博", "reviewer", "济南市金融学会", "13705310022", ""),
    ("talent", "张志强", "talent", "中国工商银行股份有限公司济南历下支行", "13605310031", "370102199001011231"),
    ("talent2", "林晓雯", "talent", "齐鲁银行股份有限公司历城支行", "13605310032", ""),
    ("sysadmin", "马骏", "sysadmin", OFFICE, "13505310041", ""),
    ("secadmin", "何晴", "secadmin", OFFICE, "13505310042", ""),
    ("auditor", "许安", "auditor", OFFICE, "13505310043", ""),
]


def load(stdout) -> None:
    for username, full_name, role, org_name, mobile, id_number in USERS:
        organization = Organization.objects.get(name=org_name)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            user.set_password(DEMO_PASSWORD)
        values = {
            "full_name": full_name,
            "role": role,
            "organization": organization,
            "mobile": mobile,
            "id_number": id_number,
        }
        changed = user.pk is None or any(getattr(user, k) != v for k, v in values.items())
        for key, value in values.items():
            setattr(user, key, value)
        if changed:
            user.full_clean()
            user.save()
    stdout.write("")
    stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
    for username, full_name, role, org_name, *_ in USERS:
        label = dict(Role.choices)[role]  # the choices of User.role
        stdout.write(f"  {username:<16} {full_name:<6} {label:<8} {org_name}")
    # The messages are made from every app's demo data: once all of it is in.
    from django.db import transaction

    transaction.on_commit(_demo_messages)
    codes = _enrolment_codes()
    if codes:
        stdout.write("  三员首次登录须先输入一次性绑定码，再用身份验证器扫码绑定动态验证码：")
        for username, code in codes:
            stdout.write(f"    {username:<14} {code}")


def _enrolment_codes() -> list[tuple[str, str]]:
    """One-time enrolment codes for the demo administrators not yet enrolled: a new code
    when none is pending (codes are kept only as hashes, so a pending one cannot be shown
    again), which keeps a repeated seed_demo from changing anything."""
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from rencai.accounts.models import EnrolmentCode
    from rencai.accounts.services import issue_enrolment_code
    from rencai.core.roles import ADMIN_ROLES

    codes = []
    for username, _name, role, *_rest in USERS:
        if role not in ADMIN_ROLES:
            continue
        user = User.objects.get(username=username)
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            continue
        pending = EnrolmentCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=timezone.now()).first()
        if pending is None:
            codes.append((username, f"绑定码 {issue_enrolment_code(user)}（24小时内有效）"))
        else:
            until = timezone.localtime(pending.expires_at).strftime("%m-%d %H:%M")
            codes.append((username, f"已签发的绑定码 {until} 前有效；遗失时运行 manage.py enrolment_code {username}"))
    return codes


def _demo_messages() -> None:
    """A welcome and the to-dos of every demo user in their message centre (keyed, so a
    second seed_demo adds none)."""
    from urllib.parse import urlsplit

    from django.urls import reverse

    from rencai.accounts.models import MessageKind
    from rencai.accounts.notices import kind_of_todo, notify
    from rencai.core.todos import todos_for

    for username, *_rest in USERS:
        user = User.objects.get(username=username)
        notify(
            [user],
            "欢迎使用消息中心：待办、审批结果、退回、督办和到期提醒都会发到这里",
            kind=MessageKind.NOTICE,
            url=reverse("accounts:notice-settings"),
            body="可在“提醒设置”中选择同时接收电子邮件提醒。",
            key="demo:welcome",
        )
        for todo in todos_for(user):
            if todo.count:
                key = f"demo:todo:{urlsplit(todo.url).path}:{todo.title}"[:200]
                notify([user], todo.title, kind=kind_of_todo(todo.title), url=todo.url, key=key)
