"""Pools: batches, terms, entry and exit, renewal, the 60-day warning list, roster export."""

import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.utils import timezone

from rencai.core.todos import todos_for
from rencai.talents.models import PoolBatch, PoolMembership, TalentPool


@pytest.fixture
def pool(db):
    return TalentPool.objects.create(name="培训讲师专项人才库", kind="lecturer")


@pytest.fixture
def batch(pool):
    return PoolBatch.objects.create(
        pool=pool,
        name="首批",
        decision_date=date(2025, 6, 18),
        document_number="济金办发〔2025〕12号",
        term_start=date(2025, 7, 1),
        term_end=date(2028, 6, 30),
    )


def membership_form(pool, batch, talent, **overrides) -> dict:
    data = {
        "pool": pool.pk,
        "batch": batch.pk,
        "talent": talent.pk,
        "source": "decision",
        "source_detail": batch.document_number,
        "joined_on": "2025-07-01",
        "term_end": "2028-06-30",
    }
    data.update(overrides)
    return data


def test_overlapping_term_is_refused_and_nothing_written(client_for, bank, pool, batch, make_talent):
    talent = make_talent("孙悦", bank)
    client = client_for("office")
    assert client.post("/o/pool-memberships/new/", membership_form(pool, batch, talent)).status_code == 302
    response = client.post(
        "/o/pool-memberships/new/", membership_form(pool, batch, talent, joined_on="2027-01-01", term_end="2029-12-31")
    )
    assert "重叠" in " ".join(response.context["form"].errors["joined_on"])
    api = client.post(
        "/api/pool-memberships/",
        {**membership_form(pool, batch, talent), "joined_on": "2026-01-01"},
        content_type="application/json",
    )
    assert api.status_code == 400 and "重叠" in api.content.decode()
    assert PoolMembership.objects.count() == 1


def test_a_term_after_exit_does_not_overlap(client_for, bank, pool, batch, make_talent):
    talent = make_talent("孙悦", bank)
    first = PoolMembership.objects.create(
        pool=pool, talent=talent, joined_on=date(2020, 1, 1), left_on=date(2021, 1, 1), exit_reason="调离"
    )
    second = PoolMembership(
        pool=pool, batch=batch, talent=talent, joined_on=date(2025, 7, 1), term_end=date(2028, 6, 30)
    )
    second.full_clean()
    assert first.overlapping().count() == 0


def test_exit_needs_a_reason_and_is_audited(client_for, bank, pool, batch, make_talent):
    talent = make_talent("孙悦", bank)
    member = PoolMembership.objects.create(pool=pool, batch=batch, talent=talent, joined_on=date(2025, 7, 1))
    client = client_for("office")
    assert client_for("liaison").post(f"/o/pool-memberships/{member.pk}/do/exit/").status_code == 403
    response = client.post(f"/o/pool-memberships/{member.pk}/do/exit/", {"left_on": "2026-03-01"})
    assert "exit_reason" in response.context["form"].errors
    client.post(f"/o/pool-memberships/{member.pk}/do/exit/", {"left_on": "2026-03-01", "exit_reason": "退休"})
    member.refresh_from_db()
    assert (member.left_on, member.exit_reason, member.status()) == (date(2026, 3, 1), "退休", "已出库")
    assert not PoolMembership.objects.active().exists()


def test_renewal_starts_a_new_term_and_keeps_the_old_one(client_for, bank, pool, batch, make_talent):
    talent = make_talent("孙悦", bank)
    member = PoolMembership.objects.create(
        pool=pool, batch=batch, talent=talent, joined_on=date(2025, 7, 1), term_end=date(2028, 6, 30)
    )
    client = client_for("office")
    too_early = client.post(f"/o/pool-memberships/{member.pk}/do/renew/", {"term_end": "2028-06-30"})
    assert "必须晚于" in too_early.content.decode()
    client.post(f"/o/pool-memberships/{member.pk}/do/renew/", {"term_end": "2031-06-30", "source_detail": "续聘决定"})
    member.refresh_from_db()
    renewal = member.renewal
    assert member.left_on == date(2028, 6, 30)
    assert (renewal.joined_on, renewal.term_end, renewal.source_detail) == (
        date(2028, 7, 1),
        date(2031, 6, 30),
        "续聘决定",
    )


def test_terms_ending_within_60_days_are_listed_and_warned(users, client_for, bank, pool, batch, make_talent):
    today = timezone.localdate()
    soon = make_talent("孙悦", bank)
    later = make_talent("周宁", bank)
    PoolMembership.objects.create(
        pool=pool, talent=soon, joined_on=today - timedelta(days=900), term_end=today + timedelta(days=59)
    )
    PoolMembership.objects.create(
        pool=pool, talent=later, joined_on=today - timedelta(days=900), term_end=today + timedelta(days=61)
    )
    response = client_for("office").get("/o/pool-memberships/", {"status": "ending"})
    assert [obj.talent.name for obj, _cells in response.context["rows"]] == ["孙悦"]
    titles = [todo.title for todo in todos_for(users["office"])]
    assert any("1 名人才的入库任期将在60天内届满" in t for t in titles)
    assert not any("入库任期" in todo.title for todo in todos_for(users["other_liaison"]))


def test_seed_batches_are_representable(client_for, bank, make_talent):
    """Seed 004: three batches of 97 市中英才 in all; seed 000: 44 people in three pools."""
    elite = TalentPool.objects.create(name="市中英才", kind="elite", level="county")
    sizes = {"首批": 30, "第二批": 32, "第三批": 35}
    people = iter(make_talent(f"英才{i}", bank) for i in range(97))
    for year, (name, size) in enumerate(sizes.items(), start=2023):
        decided = date(year, 12, 20)
        b = PoolBatch.objects.create(
            pool=elite, name=name, decision_date=decided, term_start=decided, term_end=decided.replace(year=year + 3)
        )
        for _ in range(size):
            PoolMembership.objects.create(
                pool=elite, batch=b, talent=next(people), joined_on=decided, term_end=b.term_end
            )
    assert PoolMembership.objects.filter(pool=elite).count() == 97
    page = client_for("office").get(f"/o/pools/{elite.pk}/").content.decode()
    assert "第三批" in page and "35" in page


def test_roster_exports_to_excel_and_profile_lists_pools(client_for, bank, pool, batch, make_talent):
    talent = make_talent("孙悦", bank, position="首席经济学家")
    PoolMembership.objects.create(
        pool=pool, batch=batch, talent=talent, specialty="宏观经济", joined_on=date(2025, 7, 1)
    )
    client = client_for("leader")
    response = client.get("/o/pool-memberships/export/", {"pool": pool.pk, "status": "active"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    flat = " ".join(str(v) for row in rows for v in row if v is not None)
    for text in ("孙悦", "首席经济学家", "宏观经济", "首批", "甲银行济南分行"):
        assert text in flat
    profile = client.get(f"/o/talents/{talent.pk}/").content.decode()
    assert "培训讲师专项人才库" in profile


def test_action_form_offers_today_as_an_iso_date_the_browser_accepts(client_for, bank, pool, batch, make_talent):
    member = PoolMembership.objects.create(pool=pool, talent=make_talent("孙悦", bank), joined_on=date(2025, 7, 1))
    page = client_for("office").get(f"/o/pool-memberships/{member.pk}/do/exit/").content.decode()
    assert f'type="date" name="left_on" value="{timezone.localdate().isoformat()}"' in page
