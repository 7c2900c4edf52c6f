"""Tiered services: rules into duties, contact schedules moved by visits, overdue warnings,
and service requests handled to closure."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from rencai.core.imports.schema import rows_imported
from rencai.core.models import AuditEntry
from rencai.core.todos import todos_for
from rencai.services.models import DutyState, RequestState, ServiceDuty, ServiceRequest, ServiceRule, Visit
from rencai.talents.models import Talent


@pytest.fixture
def rules(dicts):
    return {
        "contact": ServiceRule.objects.create(
            name="百层次定期联系", level=dicts["B"], kind="contact", interval_days=90
        ),
        "support": ServiceRule.objects.create(name="千层次扶持奖励", level=dicts["Q"], kind="support", due_days=30),
        "register": ServiceRule.objects.create(name="万层次登记入库", level=dicts["W"], kind="registration"),
    }


def test_rule_needs_a_level_or_tier_and_contact_needs_an_interval(client_for, dicts):
    response = client_for("office").post("/o/service-rules/new/", {"name": "空规则", "kind": "contact", "due_days": 30})
    errors = response.context["form"].errors
    assert "level" in errors and "interval_days" in errors
    assert not ServiceRule.objects.exists()


def test_level_gives_duties_and_a_change_of_level_cancels_them(rules, bank, dicts, make_talent):
    talent = make_talent("钱进", bank, level=dicts["B"])
    duty = ServiceDuty.objects.get(talent=talent)
    assert (duty.kind, duty.interval_days, duty.due_date) == ("contact", 90, timezone.localdate() + timedelta(days=90))
    talent.level = dicts["Q"]
    talent.save()
    duty.refresh_from_db()
    assert duty.state == DutyState.CANCELLED
    assert ServiceDuty.objects.get(talent=talent, state=DutyState.OPEN).kind == "support"
    assert AuditEntry.objects.filter(object_type="services.serviceduty", action="update").exists()


def test_imported_talents_get_their_duties_each_audited(bank, dicts, make_talent):
    talents = [make_talent("钱进", bank, level=dicts["B"]), make_talent("孙立", bank, level=dicts["Q"])]
    assert not ServiceDuty.objects.exists()  # no rule yet when they were saved
    ServiceRule.objects.create(name="百层次定期联系", level=dicts["B"], kind="contact", interval_days=90)
    ServiceRule.objects.create(name="千层次扶持奖励", level=dicts["Q"], kind="support", due_days=30)
    rows_imported.send(sender=Talent, instances=talents)
    duties = ServiceDuty.objects.order_by("talent__pk")
    assert [(d.talent, d.kind) for d in duties] == [(talents[0], "contact"), (talents[1], "support")]
    created = AuditEntry.objects.filter(object_type="services.serviceduty", action="create")
    assert sorted(created.values_list("object_id", flat=True)) == sorted(str(d.pk) for d in duties)
    call_command("verify_audit", stdout=io.StringIO())


def test_visit_moves_the_contact_schedule_on(client_for, users, rules, bank, dicts, make_talent):
    talent = make_talent("钱进", bank, level=dicts["B"])
    duty = ServiceDuty.objects.get(talent=talent)
    duty.due_date = timezone.localdate() - timedelta(days=3)
    duty.save()
    assert duty.is_overdue()
    visited = timezone.localdate() - timedelta(days=1)
    response = client_for("office").post(
        "/o/visits/new/",
        {
            "talent": talent.pk,
            "visited_on": visited.isoformat(),
            "kind": "visit",
            "visitor": users["leader"].pk,
            "matters_raised": "希望解决子女入学",
        },
    )
    assert response.status_code == 302
    duty.refresh_from_db()
    assert duty.due_date == visited + timedelta(days=90) and not duty.is_overdue()
    assert Visit.objects.get().matters_raised == "希望解决子女入学"


def test_overdue_duties_are_flagged_and_warned(users, client_for, rules, bank, other_bank, dicts, make_talent):
    mine = make_talent("钱进", bank, level=dicts["W"])
    make_talent("孙俪", other_bank, level=dicts["W"])
    ServiceDuty.objects.all().update(due_date=timezone.localdate() - timedelta(days=1))
    response = client_for("liaison").get("/o/service-duties/", {"overdue": "true"})
    assert [obj.talent for obj, _cells in response.context["rows"]] == [mine]
    assert any("1 项分层服务任务已逾期" in t.title for t in todos_for(users["liaison"]))
    assert any("2 项分层服务任务已逾期" in t.title for t in todos_for(users["office"]))


def test_support_duty_is_completed_by_the_office(client_for, rules, bank, dicts, make_talent):
    talent = make_talent("钱进", bank, level=dicts["Q"])
    duty = ServiceDuty.objects.get(talent=talent)
    assert client_for("liaison").post(f"/o/service-duties/{duty.pk}/do/complete/").status_code == 403
    client_for("office").post(
        f"/o/service-duties/{duty.pk}/do/complete/",
        {"completed_on": timezone.localdate().isoformat(), "notes": "已发放"},
    )
    duty.refresh_from_db()
    assert duty.state == DutyState.DONE and "已发放" in duty.notes


def test_service_request_from_talent_to_closure(users, client_for, bank_branch, dicts, make_talent):
    talent = make_talent("张志强", bank_branch, user=users["talent"])
    me = client_for("talent")
    form = me.get("/o/service-requests/new/").context["form"]
    assert "talent" not in form.fields
    response = me.post(
        "/o/service-requests/new/", {"title": "子女入学", "category": "schooling", "description": "需协调"}
    )
    assert response.status_code == 302
    request = ServiceRequest.objects.get()
    assert (request.talent, request.opened_by, request.state) == (talent, users["talent"], RequestState.OPEN)
    assert request.due_date == timezone.localdate() + timedelta(days=15)

    office = client_for("office")
    office.post(f"/o/service-requests/{request.pk}/do/assign/", {"assigned_to": users["office"].pk})
    office.post(f"/o/service-requests/{request.pk}/do/start/")
    empty = office.post(f"/o/service-requests/{request.pk}/do/resolve/", {"resolution": ""})
    assert "resolution" in empty.context["form"].errors
    office.post(f"/o/service-requests/{request.pk}/do/resolve/", {"resolution": "已协调入学"})
    request.refresh_from_db()
    assert request.state == RequestState.RESOLVED and request.assigned_at and request.resolved_at

    assert office.post(f"/o/service-requests/{request.pk}/do/confirm/", {"satisfaction": "5"}).status_code == 403
    me.post(f"/o/service-requests/{request.pk}/do/confirm/", {"satisfaction": "4", "feedback": "满意"})
    request.refresh_from_db()
    assert (request.state, request.satisfaction) == (RequestState.CONFIRMED, 4)
    states = [
        e.changes["state"][1]
        for e in AuditEntry.objects.filter(object_type="services.servicerequest", action="update").order_by("seq")
    ]
    assert states == ["assigned", "in_progress", "resolved", "confirmed"]


def test_talent_may_reopen_an_unsatisfactory_result(users, client_for, bank_branch, dicts, make_talent):
    talent = make_talent("张志强", bank_branch, user=users["talent"])
    request = ServiceRequest.objects.create(
        talent=talent,
        title="住房",
        category="housing",
        description="x",
        opened_by=users["talent"],
        state=RequestState.RESOLVED,
        resolution="已答复",
    )
    client_for("talent").post(f"/o/service-requests/{request.pk}/do/reopen/", {"feedback": "没有解决"})
    request.refresh_from_db()
    assert request.state == RequestState.IN_PROGRESS and request.feedback == "没有解决"


def test_liaison_opens_requests_only_for_own_talents(users, client_for, other_bank, bank, dicts, make_talent):
    foreign = make_talent("孙俪", other_bank)
    own = make_talent("钱进", bank)
    client = client_for("liaison")
    body = {"talent": foreign.pk, "title": "融资", "category": "financing", "description": "x"}
    assert client.post("/api/service-requests/", body, content_type="application/json").status_code == 400
    response = client.post("/api/service-requests/", {**body, "talent": own.pk}, content_type="application/json")
    assert response.status_code == 201 and response.json()["opened_by"] == users["liaison"].pk
    forged = client.post(
        "/api/service-requests/", {**body, "talent": own.pk, "state": "confirmed"}, content_type="application/json"
    )
    assert forged.status_code == 201 and forged.json()["state"] == "open"


def test_overdue_requests_are_flagged(users, client_for, bank, dicts, make_talent):
    talent = make_talent("钱进", bank)
    late = ServiceRequest.objects.create(
        talent=talent,
        title="迟",
        category="other",
        description="x",
        opened_by=users["liaison"],
        due_date=timezone.localdate() - timedelta(days=1),
    )
    ServiceRequest.objects.create(
        talent=talent, title="未迟", category="other", description="x", opened_by=users["liaison"]
    )
    response = client_for("office").get("/o/service-requests/", {"overdue": "true"})
    assert [obj for obj, _cells in response.context["rows"]] == [late]
    assert any("1 件服务诉求超过办理期限" in t.title for t in todos_for(users["office"]))


# --- issue 24: the one-to-one contact leader is declared by the rule ---------------------


def test_round_robin_gives_each_leader_a_talent_in_turn_and_reassigns_when_one_leaves(
    users, dicts, bank, office_org, make_talent
):
    from rencai.conftest import make_user
    from rencai.core.roles import Role

    first = users["leader"]
    second = make_user("leader2", Role.LEADER, office_org, full_name_override="副主任乙")
    ServiceRule.objects.create(
        name="百层次一对一联系", level=dicts["B"], kind="contact", interval_days=90, contact_method="round_robin"
    )
    talents = [make_talent(f"联系{n}", bank, level=dicts["B"]) for n in range(4)]
    leaders = [ServiceDuty.objects.get(talent=t).assigned_to for t in talents]
    assert leaders == [first, second, first, second]
    first.is_active = False  # the leader leaves
    first.save()
    duties = ServiceDuty.objects.filter(talent__in=talents, state=DutyState.OPEN)
    assert set(duties.values_list("assigned_to", flat=True)) == {second.pk}
    moved = duties.get(talent=talents[0])
    assert "离任，已改派" in moved.notes
    assert AuditEntry.objects.filter(
        object_type="services.serviceduty", object_id=str(moved.pk), action="update"
    ).exists()


def test_a_named_leader_per_institution_and_a_change_of_name_follows(
    client_for, users, dicts, bank, bank_branch, other_bank, office_org, make_talent
):
    from rencai.conftest import make_user
    from rencai.core.roles import Role
    from rencai.services.models import ContactLeader

    rule = ServiceRule.objects.create(
        name="百层次一对一联系", level=dicts["B"], kind="contact", interval_days=90, contact_method="named"
    )
    other_leader = make_user("leader2", Role.LEADER, office_org, full_name_override="副主任乙")
    office = client_for("office")
    response = office.post(
        "/o/contact-leaders/new/", {"rule": rule.pk, "organization": bank.pk, "leader": users["leader"].pk}
    )
    assert response.status_code == 302, response.content
    at_branch = make_talent("支行人才", bank_branch, level=dicts["B"])  # a branch: the bank's leader
    elsewhere = make_talent("乙行人才", other_bank, level=dicts["B"])  # nobody named: round-robin
    assert ServiceDuty.objects.get(talent=at_branch).assigned_to == users["leader"]
    assert ServiceDuty.objects.get(talent=elsewhere).assigned_to in (users["leader"], other_leader)
    named = ContactLeader.objects.get()
    edit = office.post(
        f"/o/contact-leaders/{named.pk}/edit/",
        {"rule": rule.pk, "organization": bank.pk, "leader": other_leader.pk, "_version": named.version},
    )
    assert edit.status_code == 302, edit.content
    assert ServiceDuty.objects.get(talent=at_branch).assigned_to == other_leader
    assert client_for("liaison").get("/o/contact-leaders/").status_code == 403
