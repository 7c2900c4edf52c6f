"""Issue 23 (3): the message centre: created for decisions and returns (any workflow
transition), 督办 and to-dos; each user reads only their own; e-mail when chosen."""

from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command

from rencai.accounts.models import Message, MessageKind
from rencai.accounts.notices import notify, send_todo_notices
from rencai.talents.models import ChangeRequest


@pytest.fixture
def returned_request(users, client_for, bank, make_talent):
    """A talent (with an account) whose change request the office returns."""
    talent = make_talent("张志强", bank, user=users["talent"])
    request = ChangeRequest(talent=talent, requested_by=users["liaison"])
    request.set_proposed({"name": ["张志强", "张智强"]})
    request.save()
    response = client_for("office").post(
        f"/o/change-requests/{request.pk}/do/return/", {"decision_comment": "请附更名证明"}
    )
    assert response.status_code == 302
    return request


def test_a_return_reaches_the_requester_and_the_talent_not_the_actor(users, returned_request):
    got = {m.recipient.username: m for m in Message.objects.select_related("recipient")}
    assert set(got) == {"liaison", "talent"}
    message = got["talent"]
    assert message.kind == MessageKind.RETURNED
    assert "关键信息变更申请" in message.title and "退回" in message.title
    assert message.url == f"/o/change-requests/{returned_request.pk}/"


def test_each_user_reads_only_their_own_messages(users, client_for, returned_request):
    talent = client_for("talent")
    home = talent.get("/").content.decode()
    assert 'id="unread-count">1<' in home  # the header's unread count
    page = talent.get("/accounts/messages/").content.decode()
    assert "「张志强" in page
    # The office sees every institution's data, but not others' messages.
    office = client_for("office")
    assert "「张志强" not in office.get("/accounts/messages/").content.decode()
    assert "「张志强" not in office.get("/o/messages/").content.decode()
    mine = Message.objects.get(recipient=users["talent"])
    assert office.get(f"/o/messages/{mine.pk}/").status_code == 404
    assert office.post(f"/accounts/messages/{mine.pk}/open/").status_code == 404
    api = office.get("/api/messages/").json()
    assert api["count"] == 0 if isinstance(api, dict) and "count" in api else api == []

    # Opening marks read and follows the link; the count goes.
    response = talent.post(f"/accounts/messages/{mine.pk}/open/")
    assert response.status_code == 302 and response["Location"] == mine.url
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert 'id="unread-count"' not in talent.get("/").content.decode()


def test_mark_all_read(users, client_for):
    notify([users["liaison"]], "一", kind=MessageKind.NOTICE)
    notify([users["liaison"]], "二", kind=MessageKind.NOTICE)
    assert Message.objects.unread_for(users["liaison"]).count() == 2
    client_for("liaison").post("/accounts/messages/")
    assert Message.objects.unread_for(users["liaison"]).count() == 0


def test_email_goes_to_users_who_chose_it(users, client_for, settings, django_capture_on_commit_callbacks):
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"
    liaison = client_for("liaison")
    # No e-mail address registered: the choice is refused in Chinese.
    response = liaison.post("/accounts/messages/settings/", {"notify_by_email": "on"})
    assert response.status_code == 400 and "没有登记电子邮箱" in response.content.decode()
    users["liaison"].email = "liu@example.com"
    users["liaison"].save()
    assert liaison.post("/accounts/messages/settings/", {"notify_by_email": "on"}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        notify([users["liaison"], users["office"]], "请报送2026年人才统计报表", url="/o/submissions/")
    assert len(mail.outbox) == 1  # the office did not choose e-mail
    sent = mail.outbox[0]
    assert sent.to == ["liu@example.com"] and "请报送2026年人才统计报表" in sent.subject
    assert "/o/submissions/" in sent.body
    assert Message.objects.get(recipient=users["liaison"]).emailed_at is not None
    # Switching it off stops the e-mails.
    liaison.post("/accounts/messages/settings/", {})
    with django_capture_on_commit_callbacks(execute=True):
        notify([users["liaison"]], "第二条")
    assert len(mail.outbox) == 1


class RecordingSMS:
    sent: list[tuple[str, str]] = []

    def send(self, mobile: str, text: str) -> None:
        RecordingSMS.sent.append((mobile, text))


def test_sms_goes_through_the_configured_backend(users, settings, django_capture_on_commit_callbacks):
    settings.RENCAI_SMS_BACKEND = "rencai.accounts.tests.test_notices.RecordingSMS"
    users["talent"].notify_by_sms = True
    users["talent"].save()
    with django_capture_on_commit_callbacks(execute=True):
        notify([users["talent"], users["liaison"]], "培训班明天开班")
    assert RecordingSMS.sent == [("13800138000", "培训班明天开班")]


def test_todos_become_messages_once_a_day(users, office_org):
    # office_org has no credit code: the office has a to-do about it.
    sent = send_todo_notices([users["office"]])
    assert sent >= 1
    titles = list(Message.objects.filter(recipient=users["office"]).values_list("title", flat=True))
    assert any("统一社会信用代码" in t for t in titles)
    assert send_todo_notices([users["office"]]) == 0  # not repeated the same day
    call_command("send_notices", role=["office"])
    assert Message.objects.filter(recipient=users["office"]).count() == len(titles)


def test_supervision_notice_reaches_the_units_liaisons(users, bank, office_org):
    from rencai.projects.models import ProjectTask, TalentProject
    from rencai.projects.services import issue_notice

    project = TalentProject.objects.create(
        name="金融英才工程", starts_year=2026, ends_year=2028, lead_unit=office_org, lead_leader=users["leader"]
    )
    task = ProjectTask.objects.create(
        project=project,
        title="组建导师团队",
        organization=bank,
        owner="张三",
        starts_on=date(2026, 1, 1),
        due_on=date(2026, 3, 1),
    )
    notice = issue_notice(task, "进度落后于计划")
    message = Message.objects.get(recipient=users["liaison"])
    assert message.kind == MessageKind.SUPERVISION and "组建导师团队" in message.title
    assert message.url == f"/o/supervision-notices/{notice.pk}/"
    assert not Message.objects.filter(recipient=users["other_liaison"]).exists()
