"""What a selection does: check eligibility and quotas, hand eligible applications to the
review engine, shortlist, take votes and objections, and turn the decision into honours,
pool entries and unit titles."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rencai.core.errors import Conflict, Refused
from rencai.core.objects.writes import update_many
from rencai.evaluation import services as evaluation
from rencai.evaluation.draw import years_before
from rencai.evaluation.models import Review, ReviewItem, ReviewState
from rencai.selections.models import (
    Application,
    ApplicationState,
    Campaign,
    CampaignKind,
    CampaignQuota,
    CampaignState,
    HistoricResult,
    Objection,
    ObjectionState,
    UnitAward,
    Vote,
)
from rencai.talents.models import EntrySource, Honour, HonourSource, PoolMembership, Talent


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def ineligibility(campaign: Campaign, talent: Talent) -> list[str]:
    """Every rule of the campaign ``talent`` fails, in Chinese (empty when eligible)."""
    problems = []
    if campaign.max_age:
        if talent.birth_date is None:
            problems.append(
                _("%(talent)s未登记出生日期，无法核对“%(max_age)s周岁以下”的条件。")
                % {"talent": talent.name, "max_age": campaign.max_age}
            )
        else:
            assert campaign.age_on is not None  # clean(): a maximum age needs its reference date
            age = age_on(talent.birth_date, campaign.age_on)
            if age > campaign.max_age:
                problems.append(
                    _("%(talent)s截至%(day)s年满%(age)s周岁，不符合“%(max_age)s周岁以下”的条件。")
                    % {
                        "talent": talent.name,
                        "day": campaign.age_on.strftime(_("%Y年%m月%d日")),
                        "age": age,
                        "max_age": campaign.max_age,
                    }
                )
    if campaign.min_service_years:
        day = campaign.closes_on
        if talent.work_start is None:
            problems.append(_("%(talent)s未登记参加工作时间，无法核对工作年限。") % {"talent": talent.name})
        elif age_on(talent.work_start, day) < campaign.min_service_years:
            problems.append(
                _("%(talent)s工作年限不足%(min_service_years)s年。")
                % {"talent": talent.name, "min_service_years": campaign.min_service_years}
            )
    tiers = list(campaign.tiers.all())
    if tiers and talent.tier_id not in {t.pk for t in tiers}:
        names = "、".join(t.name for t in tiers)
        problems.append(
            _("%(talent)s的人才层级不在本次评选范围（%(names)s）内。") % {"talent": talent.name, "names": names}
        )
    categories = list(campaign.categories.all())
    if categories and talent.category_id not in {c.pk for c in categories}:
        names = "、".join(c.name for c in categories)
        problems.append(
            _("%(talent)s的人才类别不在本次评选范围（%(names)s）内。") % {"talent": talent.name, "names": names}
        )
    if campaign.require_clean_record and talent.has_disciplinary_record:
        problems.append(_("%(talent)s有违纪记录，不符合申报条件。") % {"talent": talent.name})
    if not talent.is_active:
        problems.append(_("%(talent)s已不在人才库中。") % {"talent": talent.name})
    return problems


def quota_for(campaign: Campaign, organization) -> CampaignQuota | None:
    """The quota covering ``organization``: its own, or its head institution's."""
    quotas = CampaignQuota.objects.filter(campaign=campaign).select_related("organization")
    covering = [q for q in quotas if organization.path.startswith(q.organization.path)]
    return max(covering, key=lambda q: len(q.organization.path), default=None)


def check_quota(campaign: Campaign, organization, exclude_pk: int | None = None) -> None:
    quota = quota_for(campaign, organization)
    if quota is None:
        if campaign.quotas.exists():
            raise Refused(_("%(organization)s没有本次评选的推荐名额。") % {"organization": organization.name})
        return
    used = (
        Application.objects.counted()
        .filter(campaign=campaign, organization__path__startswith=quota.organization.path)
        .exclude(pk=exclude_pk)
        .count()
    )
    if used >= quota.quota:
        raise Refused(
            _("%(organization)s本次评选的推荐名额为%(quota)s名，已推荐%(used)s名，不能再推荐。")
            % {"organization": quota.organization.name, "quota": quota.quota, "used": used}
        )


def check_application(application: Application, today: date | None = None) -> None:
    """Refuse an application that breaks the campaign's dates, rules or quota."""
    today = today or timezone.localdate()
    campaign = application.campaign
    if campaign.state != CampaignState.OPEN:
        raise Refused(_("“%(campaign)s”当前不在申报阶段。") % {"campaign": campaign})
    if not campaign.opens_on <= today <= campaign.closes_on:
        raise Refused(
            _("申报时间为%(opens_on)s至%(closes_on)s，当前不在申报时间内。")
            % {"opens_on": campaign.opens_on, "closes_on": campaign.closes_on}
        )
    if application.talent_id and application.talent is not None:
        problems = ineligibility(campaign, application.talent)
        if problems:
            raise Refused(" ".join(problems))
    if application.route == "nomination":
        check_quota(campaign, application.organization, exclude_pk=application.pk)


def start_review(campaign: Campaign, user) -> Review:
    """Hand the eligible applications to a new review (experts are drawn next)."""
    pending = campaign.applications.filter(state__in=[ApplicationState.SUBMITTED, ApplicationState.RETURNED]).count()
    if pending:
        raise Refused(_("尚有%(pending)s份申报未完成资格审查（含退回待修改的），请先处理。") % {"pending": pending})
    eligible = list(campaign.applications.filter(state=ApplicationState.ELIGIBLE).select_related("talent"))
    if not eligible:
        raise Refused(_("没有通过资格审查的申报，不能进入专家评审。"))
    if campaign.rubric is None:
        raise Refused(_("请先为评选活动选择评分细则。"))
    review = Review(
        title=f"{campaign}专家评审",  # i18n: stored (the review's title)
        rubric=campaign.rubric,
        organization=user.organization,
        expert_weight=campaign.expert_weight,
        qualification_weight=campaign.qualification_weight,
        vote_weight=campaign.vote_weight,
    )
    review.full_clean()
    review.save()
    for order, application in enumerate(eligible, start=1):
        item = ReviewItem.objects.create(
            review=review,
            label=application.display_name,
            organization=application.organization,
            talent=application.talent,
            order=order,
        )
        application.review_item = item
        application.state = ApplicationState.IN_REVIEW
        application.version += 1
        application.save()
    review.participants.set({pk for pk in campaign.applications.values_list("talent_id", flat=True) if pk is not None})
    campaign.review = review
    return review


def require_scoring_finished(campaign: Campaign) -> None:
    review = campaign.review
    if review is None or review.state == ReviewState.PREPARING:
        raise Refused(_("专家评审尚未开始（请先抽取专家并由监督人签字确认）。"))
    if review.state == ReviewState.SCORING:
        done, total = evaluation.scoring_progress(review)
        if done < total:
            raise Refused(_("尚有%(count)s份评分表未提交。") % {"count": total - done})


def start_vote(campaign: Campaign) -> None:
    """End expert scoring, once every sheet is in, so that the public vote can open."""
    require_scoring_finished(campaign)
    assert campaign.review is not None  # require_scoring_finished refuses a campaign without one
    if campaign.review.state != ReviewState.CLOSED:
        evaluation.close_review(campaign.review)


def count_votes(campaign: Campaign) -> None:
    """Copy each application's vote count onto its review item."""
    for application in campaign.applications.filter(review_item__isnull=False).select_related("review_item"):
        item = application.review_item
        votes = application.votes.count()
        if item.votes != votes:
            item.votes = votes
            item.version += 1
            item.save()


def shortlist(campaign: Campaign, today: date | None = None) -> list[Application]:
    """Rank, shortlist the top ``quota_total``, and open the publicity period."""
    today = today or timezone.localdate()
    require_scoring_finished(campaign)
    if campaign.has_public_vote:
        count_votes(campaign)
    review = campaign.review
    assert review is not None  # require_scoring_finished refuses a campaign without one
    if review.state == ReviewState.SCORING:
        ordered = evaluation.close_review(review)
    else:
        ordered = evaluation.store_results(review)
    by_item = {a.review_item_id: a for a in campaign.applications.filter(review_item__isnull=False)}
    chosen: list[Application] = []
    for result in ordered:
        application = by_item.get(result.item.pk)
        if application is None:
            continue
        application.rank = result.rank
        application.total_score = result.total
        selected = result.rank is not None and len(chosen) < campaign.quota_total
        application.state = ApplicationState.SHORTLISTED if selected else ApplicationState.NOT_SHORTLISTED
        if selected:
            chosen.append(application)
        application.version += 1
        application.save()
    campaign.publicity_starts_on = today
    campaign.publicity_ends_on = today + timedelta(days=campaign.publicity_days - 1)
    return chosen


def cast_vote(application: Application, voter, ip: str, today: date | None = None) -> Vote:
    """One vote per verified account per day; accounts made after voting opened, and more
    than the campaign's limit of votes from one address in a day, are refused."""
    today = today or timezone.localdate()
    campaign = application.campaign
    if campaign.state != CampaignState.VOTING:
        raise Refused(_("当前不在公众投票阶段。"))
    if application.state != ApplicationState.IN_REVIEW or application.campaign_id != campaign.pk:
        raise Refused(_("该申报不在投票范围内。"))
    if not voter.is_active or not voter.last_login:
        raise Refused(_("请使用已验证的账号登录后投票。"))
    opened = campaign.review.closed_at if campaign.review and campaign.review.closed_at else None
    if opened and voter.date_joined > opened:
        raise Refused(_("投票开始后注册的账号不能投票。"))
    if application.talent_id and application.talent is not None and application.talent.user_id == voter.pk:
        raise Refused(_("不能给自己投票。"))
    if ip and Vote.objects.filter(campaign=campaign, ip=ip, voted_on=today).count() >= campaign.votes_per_ip_per_day:
        raise Refused(_("该网络地址今日投票次数已达上限。"))
    try:
        with transaction.atomic():
            return Vote.objects.create(campaign=campaign, application=application, voter=voter, voted_on=today, ip=ip)
    except IntegrityError:
        raise Conflict(_("您今天已经投过票了，每个账号每天限投一票。")) from None


def file_objection(objection: Objection, today: date | None = None) -> None:
    campaign = objection.application.campaign
    if not campaign.in_publicity(today):
        raise Refused(_("只能在公示期内对入围名单提出异议。"))
    if objection.application.state != ApplicationState.SHORTLISTED:
        raise Refused(_("只能对入围公示的对象提出异议。"))


def handle_objection(objection: Objection, upheld: bool, reason: str) -> None:
    if objection.state != ObjectionState.OPEN:
        raise Conflict(_("该异议已处理。"))
    if not reason.strip():
        raise Refused(_("请填写处理意见。"))
    objection.state = ObjectionState.UPHELD if upheld else ObjectionState.DISMISSED
    objection.handling_reason = reason
    objection.handled_at = timezone.now()
    objection.version += 1
    objection.save()
    if upheld:
        application = objection.application
        application.state = ApplicationState.DISQUALIFIED
        application.reason = f"公示期异议成立：{reason}"  # i18n: stored (the application's reason)
        application.version += 1
        application.save()


def decide(campaign: Campaign, decided_on: date, document_number: str, today: date | None = None) -> list[Application]:
    """The final decision: refused while the publicity period runs or an objection is open."""
    today = today or timezone.localdate()
    if campaign.publicity_ends_on is None or today <= campaign.publicity_ends_on:
        raise Refused(
            _("公示期至%(publicity_ends_on)s结束，公示期满后方可作出决定。")
            % {"publicity_ends_on": campaign.publicity_ends_on}
        )
    open_objections = Objection.objects.filter(application__campaign=campaign, state=ObjectionState.OPEN).count()
    if open_objections:
        raise Refused(
            _("尚有%(open_objections)s件异议未处理，处理完毕后方可作出决定。") % {"open_objections": open_objections}
        )
    campaign.results_number = document_number
    campaign.decided_on = decided_on
    winners = list(
        campaign.applications.filter(state=ApplicationState.SHORTLISTED).select_related("talent", "organization")
    )
    for application in winners:
        application.state = ApplicationState.WINNER
        application.version += 1
        application.save()
        award(campaign, application)
    return winners


def award(campaign: Campaign, application: Application) -> None:
    """An honour on the talent's record and a pool entry, or a title for the unit."""
    reference = f"{campaign}（{campaign.results_number}）" if campaign.results_number else str(campaign)
    assert campaign.decided_on is not None  # awards follow the decision
    if campaign.kind == CampaignKind.INDIVIDUAL and application.talent_id and application.talent is not None:
        Honour.objects.create(
            talent=application.talent,
            name=campaign.title_awarded(),
            level=campaign.honour_level,
            awarded_by=campaign.awarded_by,
            awarded_on=campaign.decided_on,
            source=HonourSource.SELECTION,
            campaign=campaign,
            document_number=campaign.results_number,
            source_reference=reference[:200],
        )
        if campaign.winners_pool_id:
            enter_pool(campaign, application.talent)
        return
    UnitAward.objects.create(
        campaign=campaign,
        application=application,
        organization=application.organization,
        subject_name=application.subject_name or application.organization.name,
        title=campaign.title_awarded(),
        awarded_on=campaign.decided_on,
        document_number=campaign.results_number,
    )


def enter_pool(campaign: Campaign, talent: Talent) -> None:
    pool = campaign.winners_pool
    assert pool is not None and campaign.decided_on is not None  # award() enters winners once decided
    membership = PoolMembership(
        pool=pool,
        talent=talent,
        source=EntrySource.SELECTION,
        source_detail=f"{campaign}当选"[:200],  # i18n: stored (the pool entry's source)
        joined_on=campaign.decided_on,
        term_end=years_before(campaign.decided_on, -pool.term_years) if pool.term_years else None,
    )
    if membership.overlapping().exists():
        return
    membership.full_clean()
    membership.save()


# --- 历史评选结果录入: results decided before the platform ---------------------------------


def historic_campaign(result: HistoricResult) -> Campaign:
    """The campaign a historic result belongs to, created (marked historic, its results
    recorded, not decided here) on its first result."""
    campaign = Campaign.objects.filter(year=result.year, name=result.campaign_name).first()
    if campaign is not None:
        if not campaign.is_historic:
            raise Refused(
                _("“%(campaign)s”是在平台上进行的评选，其结果不能作为历史结果录入。") % {"campaign": campaign}
            )
        return campaign
    campaign = Campaign(
        name=result.campaign_name,
        kind=result.kind,
        year=result.year,
        opens_on=result.decided_on,
        closes_on=result.decided_on,
        quota_total=1,
        require_clean_record=False,
        honour_name=result.title,
        honour_level=result.level,
        awarded_by=result.awarded_by,
        results_number=result.document_number,
        decided_on=result.decided_on,
        state=CampaignState.RECORDED,
        is_historic=True,
    )
    campaign.save()
    return campaign


@transaction.atomic
def record_historic(results: list[HistoricResult]) -> None:
    """Turn recorded results into what a decision gives: an honour on the winner's record
    (source 历史评选结果录入, linked to the campaign, with its 文号) or a unit award."""
    for result in results:
        campaign = historic_campaign(result)
        links: dict = {"campaign": campaign}
        if result.talent_id:
            honour = Honour(
                talent_id=result.talent_id,
                name=result.title,
                level=result.level,
                awarded_by=result.awarded_by,
                awarded_on=result.decided_on,
                source=HonourSource.HISTORIC,
                campaign=campaign,
                document_number=result.document_number,
                source_reference=f"{campaign}（{result.document_number}）历史评选结果录入"[
                    :200
                ],  # i18n: stored (the honour's source)
            )
            honour.save()
            links["honour"] = honour
        else:
            award = UnitAward(
                campaign=campaign,
                organization_id=result.organization_id,
                subject_name=result.subject_name,
                title=result.title,
                awarded_on=result.decided_on,
                document_number=result.document_number,
            )
            award.save()
            links["unit_award"] = award
        update_many(HistoricResult.objects.filter(pk=result.pk), **links)
        for name, value in links.items():
            setattr(result, name, value)
        winners = campaign.historic_results.count()
        if campaign.quota_total < winners:
            update_many(Campaign.objects.filter(pk=campaign.pk), quota_total=winners)
