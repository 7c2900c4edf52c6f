"""The review engine against the database: versioned rubrics, recusal from career and
declarations, aggregation of five reviewers' sheets, and who may open a draw's record."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from rencai.core.errors import Refused
from rencai.evaluation import services
from rencai.evaluation.models import (
    Declaration,
    Draw,
    Review,
    ReviewerState,
    ReviewItem,
    ReviewState,
    Rubric,
    ScoreSheet,
)
from rencai.orgs.models import Organization
from rencai.talents.models import CareerEntry


@pytest.fixture
def review(users, rubric, bank, other_bank, make_talent):
    review = Review.objects.create(title="测试评审", rubric=rubric, organization=users["office"].organization)
    applicant = make_talent("申报人甲", bank, born="19950101")
    ReviewItem.objects.create(review=review, label="甲", organization=bank, talent=applicant, order=1)
    ReviewItem.objects.create(review=review, label="乙", organization=other_bank, order=2)
    return review


def new_draw(review, users, experts, wanted=5, backups=0) -> Draw:
    draw = Draw.objects.create(review=review, wanted=wanted, backups=backups, prepared_by=users["office"])
    draw.pools.set([experts["pool"]])
    services.prepare_draw(draw)
    return draw


def test_a_rubric_in_use_is_never_edited_in_place(client_for, users, review, rubric):
    office = client_for("office")
    before = rubric.version
    response = office.post(f"/o/rubrics/{rubric.pk}/edit/", {"name": "改名", "_version": rubric.version})
    assert "已在评审中使用" in response.content.decode()
    criterion = rubric.criteria.first()
    response = office.post(
        f"/o/rubric-criteria/{criterion.pk}/edit/",
        {
            "rubric": rubric.pk,
            "order": 1,
            "name": "改",
            "max_score": "30",
            "weight": "1",
            "_version": criterion.version,
        },
    )
    assert "已在评审中使用" in response.content.decode()
    office.post(f"/o/rubric-criteria/{criterion.pk}/delete/")
    rubric.refresh_from_db()
    assert (rubric.name, rubric.version, rubric.criteria.count()) == ("最强党支部评分细则", before, 5)
    office.post(f"/o/rubrics/{rubric.pk}/do/new_version/")
    copy = Rubric.objects.get(edition=2)
    assert copy.previous == rubric and copy.name == rubric.name
    assert list(copy.criteria.values_list("name", "max_score")) == list(
        rubric.criteria.values_list("name", "max_score")
    )
    response = office.post(
        f"/o/rubrics/{copy.pk}/edit/", {"name": "最强党支部评分细则（修订）", "_version": copy.version}
    )
    assert response.status_code == 302


def test_career_and_declarations_recuse_in_the_database(users, review, experts, bank, other_bank):
    university_expert, firm_expert = experts["talents"][0], experts["talents"][6]
    CareerEntry.objects.create(
        talent=university_expert,
        organization=other_bank,
        organization_name=other_bank.name,
        start=date(2015, 1, 1),
        end=timezone.localdate() - timedelta(days=400),
    )
    applicant = review.items.get(label="甲").talent
    Declaration.objects.create(expert=firm_expert, kind="relation", related_talent=applicant, description="配偶")
    Declaration.objects.create(expert=experts["talents"][1], kind="conflict", review=review, description="曾辅导申报人")
    draw = new_draw(review, users, experts, wanted=3, backups=1)
    removed = {r["id"]: " ".join(r["reasons"]) for r in draw.removed}
    assert "近3年内曾在申报单位“乙银行济南分行”工作" in removed[university_expert.pk]
    assert "亲属或利害关系人" in removed[firm_expert.pk]
    assert "本人申报回避本次评审" in removed[experts["talents"][1].pk]
    assert "同一机构" in removed[experts["talents"][5].pk]
    assert {c["id"] for c in draw.candidates}.isdisjoint(removed)
    assert len(draw.candidates) == 4


def test_too_few_candidates_after_recusal_is_refused(users, review, experts):
    draw = Draw.objects.create(review=review, wanted=7, backups=1, prepared_by=users["office"])
    draw.pools.set([experts["pool"]])
    with pytest.raises(Refused, match="回避后符合条件的专家只有7人"):
        services.prepare_draw(draw)


def test_five_reviewers_are_trimmed_and_parts_are_weighted(users, review, experts):
    review.expert_weight, review.qualification_weight = Decimal(80), Decimal(20)
    review.save()
    Draw.objects.all().delete()
    ReviewItem.objects.filter(label="甲").update(qualification_score=Decimal(90))
    for talent in experts["talents"][:5]:
        talent.organization = experts["firm"]
        talent.save()
    draw = new_draw(review, users, experts, wanted=5)
    services.execute_draw(draw, users["leader"], "12345")
    services.sign_draw(draw, users["leader"])
    criteria = list(review.rubric.criteria.all())
    item = review.items.get(label="甲")
    totals = [88, 82, 90, 85, 40]  # trimmed: (82 + 85 + 88) / 3 = 85
    for reviewer, total in zip(
        review.reviewers.filter(state=ReviewerState.ACTIVE).order_by("position"), totals, strict=True
    ):
        for sheet in ScoreSheet.objects.filter(reviewer=reviewer):
            per = Decimal(total) / 5
            services.submit_sheet(sheet, {c.pk: per for c in criteria}, {}, "", final=True)
    ordered = services.close_review(review)
    result = next(r for r in ordered if r.item.pk == item.pk)
    assert result.expert == Decimal("85.00")
    assert result.total == Decimal("86.00")  # 0.8 × 85 + 0.2 × 90
    assert [s.total for s in result.outlier_sheets] == [Decimal(40)]  # 86.25 on average from the others
    item.refresh_from_db()
    assert (item.expert_score, item.total_score, item.rank) == (Decimal("85.00"), Decimal("86.00"), 1)
    other = review.items.get(label="乙")
    other.refresh_from_db()
    assert other.total_score is None and other.rank is None  # no qualification score: no total
    assert review.state == ReviewState.CLOSED


def test_scores_cannot_be_submitted_incomplete(users, review, experts):
    for talent in experts["talents"][:3]:
        talent.organization = experts["firm"]
        talent.save()
    draw = new_draw(review, users, experts, wanted=3)
    services.execute_draw(draw, users["leader"], "12345")
    services.sign_draw(draw, users["leader"])
    sheet = ScoreSheet.objects.first()
    first = review.rubric.criteria.first()
    with pytest.raises(Refused, match="请填写“运行机制强”的得分"):
        services.submit_sheet(sheet, {first.pk: Decimal(10)}, {}, "", final=True)
    services.submit_sheet(sheet, {first.pk: Decimal(10)}, {}, "", final=False)
    sheet.refresh_from_db()
    assert sheet.state == "draft" and sheet.total == Decimal(10)
    with pytest.raises(Refused, match="尚有"):
        services.close_review(review)


def test_the_draw_record_opens_to_everyone_once_the_review_has_ended(client_for, users, review, experts):
    for talent in experts["talents"][:3]:
        talent.organization = experts["firm"]
        talent.save()
    draw = new_draw(review, users, experts, wanted=3)
    services.execute_draw(draw, users["leader"], "99999")
    url = f"/evaluation/draws/{draw.pk}/verify/"
    assert client_for("liaison").get(url).status_code == 404
    assert client_for("leader").get(url).status_code == 200
    Review.objects.filter(pk=review.pk).update(state=ReviewState.CLOSED)
    page = client_for("liaison").get(url)
    assert page.status_code == 200 and "不一致" not in page.content.decode()
    record = client_for("liaison").get(url, {"format": "json"}).json()
    assert record["seed"] == draw.seed and record["number"] == "99999"


def test_a_drawn_draw_is_never_deleted_by_the_page_or_the_api(client_for, users, review, experts):
    for talent in experts["talents"][:3]:
        talent.organization = experts["firm"]
        talent.save()
    office = client_for("office")
    prepared = new_draw(review, users, experts, wanted=3)
    assert office.delete(f"/api/draws/{prepared.pk}/").status_code == 204
    draw = new_draw(review, users, experts, wanted=3)
    services.execute_draw(draw, users["leader"], "12345")
    page = office.post(f"/o/draws/{draw.pk}/delete/", follow=True)
    assert "已抽取的记录不能删除" in page.content.decode()
    api = office.delete(f"/api/draws/{draw.pk}/")
    assert api.status_code == 409 and "已抽取的记录不能删除" in api.content.decode()
    services.sign_draw(draw, users["leader"])
    assert office.delete(f"/api/draws/{draw.pk}/").status_code == 409
    assert Draw.objects.filter(pk=draw.pk).exists() and draw.reviewers.exists()


def sibling_review(users, rubric, organization, level=1) -> Review:
    review = Review.objects.create(
        title="同级机构回避", rubric=rubric, organization=users["office"].organization, recusal_level=level
    )
    ReviewItem.objects.create(review=review, label="市中", organization=organization, order=1)
    return review


def test_an_expert_at_a_sibling_branch_is_recused_by_the_head_institution(users, rubric, experts, bank, region):
    sibling = Organization.objects.create(name="甲银行市中支行", kind="bank", parent=bank, region=region)
    expert = experts["talents"][5]  # at 甲银行历下支行, a sibling of 市中支行
    draw = new_draw(sibling_review(users, rubric, sibling), users, experts, wanted=3, backups=0)
    removed = {r["id"]: " ".join(r["reasons"]) for r in draw.removed}
    assert "现工作单位与申报单位“甲银行市中支行”为同一机构" in removed[expert.pk]
    assert draw.parameters["recusal_level"] == 1
    # the level is the review's: "only the unit and its own tree" lets the sibling review
    narrow = new_draw(sibling_review(users, rubric, sibling, level=0), users, experts, wanted=3, backups=0)
    assert expert.pk in {c["id"] for c in narrow.candidates}


def test_the_head_institution_is_the_top_financial_one_of_the_tree(users, rubric, experts, region):
    group = Organization.objects.create(name="测试金融控股集团", kind="enterprise", region=region)
    bank_a = Organization.objects.create(name="集团甲银行", kind="bank", parent=group, region=region)
    branch_a1 = Organization.objects.create(name="集团甲银行一支行", kind="bank", parent=bank_a, region=region)
    branch_a2 = Organization.objects.create(name="集团甲银行二支行", kind="bank", parent=bank_a, region=region)
    insurer = Organization.objects.create(name="集团乙保险", kind="insurance", parent=group, region=region)
    expert = experts["talents"][0]
    expert.organization = branch_a1
    expert.save()
    assert services.head_rooted({branch_a2.path})[branch_a2.path] == f"{bank_a.pk:06d}/{branch_a2.pk:06d}/"
    same_bank = new_draw(sibling_review(users, rubric, branch_a2), users, experts, wanted=3, backups=0)
    assert expert.pk in {r["id"] for r in same_bank.removed}
    other_firm = new_draw(sibling_review(users, rubric, insurer), users, experts, wanted=3, backups=0)
    assert expert.pk in {c["id"] for c in other_firm.candidates}


# --- issue 23b: the draw's record in plain words, no 删除 once drawn, public check -------------


def test_a_draw_reads_in_plain_words_and_offers_no_delete_once_drawn(client_for, users, review, experts):
    for talent in experts["talents"][:3]:
        talent.organization = experts["firm"]
        talent.save()
    draw = new_draw(review, users, experts, wanted=3)
    office = client_for("office")
    page = office.get(f"/o/draws/{draw.pk}/").content.decode()
    assert 'href="delete/"' in page  # a prepared draw may still be withdrawn
    services.execute_draw(draw, users["leader"], "4242")
    services.sign_draw(draw, users["leader"])
    page = office.get(f"/o/draws/{draw.pk}/").content.decode()
    assert 'href="delete/"' not in page
    assert "{&#x27;" not in page and "{'" not in page and "[]" not in page
    assert "抽取条件：评审“" in page and "抽取3人、备选0人" in page
    assert "回避名单：共" in page and "为同一机构" in page  # the reasons, as sentences
    assert re.search(r"\d{4}-\d\d-\d\dT\d\d:", page) is None


def test_the_closed_draw_check_is_public_without_log_in(client, users, review, experts):
    for talent in experts["talents"][:3]:
        talent.organization = experts["firm"]
        talent.save()
    draw = new_draw(review, users, experts, wanted=3)
    services.execute_draw(draw, users["leader"], "99999")
    url = f"/evaluation/draws/{draw.pk}/verify/"
    answer = client.get(url)
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
    Review.objects.filter(pk=review.pk).update(state=ReviewState.CLOSED)
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "不一致" not in text and "抽取条件：评审“" in text
    assert client.get(url, {"format": "json"}).json()["number"] == "99999"
