from io import StringIO

from django.core.management import call_command

from rencai.accounts.models import User
from rencai.core.models import AuditEntry
from rencai.orgs.models import Organization, OrganizationKind


def test_seed_demo_covers_every_kind_and_role_and_is_repeatable(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "liaison_icbc" in out.getvalue()
    kinds = set(Organization.objects.values_list("kind", flat=True))
    assert kinds == {k.value for k in OrganizationKind}
    assert Organization.objects.filter(parent__isnull=False).count() >= 8
    assert Organization.objects.count() >= 30
    assert set(User.objects.values_list("role", flat=True)) == {r for r, _ in User._meta.get_field("role").choices}
    for org in Organization.objects.exclude(credit_code=""):
        org.full_clean()
    assert_selections_demo()
    assert_training_demo()
    assert_returns_demo()
    assert_bulletins_demo()
    assert_funds_demo()
    assert_cooperation_demo()
    assert_projects_demo()
    assert_assessment_demo()  # assessment
    counts = (Organization.objects.count(), User.objects.count(), AuditEntry.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Organization.objects.count(), User.objects.count(), AuditEntry.objects.count()) == counts
    assert User.objects.get(username="office").password.startswith("argon2")


def assert_selections_demo() -> None:
    """One finished selection with honours, one in review, every draw verifiable."""
    from rencai.evaluation.models import Draw, SheetState
    from rencai.selections.models import ApplicationState, Campaign, CampaignState
    from rencai.talents.models import Honour, HonourSource

    states = dict(Campaign.objects.values_list("name", "state"))
    assert states["最美青年金融工作者"] == CampaignState.DECIDED
    assert Campaign.objects.get(name="金融业务标兵", is_historic=False).state == CampaignState.REVIEW
    finished = Campaign.objects.get(name="最美青年金融工作者")
    winners = finished.applications.filter(state=ApplicationState.WINNER)
    assert winners.count() == finished.quota_total
    honoured = set(Honour.objects.filter(source=HonourSource.SELECTION).values_list("talent_id", flat=True))
    assert honoured == set(winners.values_list("talent_id", flat=True))
    # the winners entered the campaign's winners' pool, and the leader view counts them
    from django.utils import timezone

    from rencai.core.figures import Period
    from rencai.dashboards.leader import _build
    from rencai.talents.models import PoolMembership

    pool = finished.winners_pool
    assert pool is not None and pool.name == "业务人才库"
    entered = PoolMembership.objects.filter(pool=pool, source="selection").values_list("talent_id", flat=True)
    assert set(winners.values_list("talent_id", flat=True)) <= set(entered)
    leader = User.objects.get(username="leader")
    blocks = {b.title: b for b in _build(leader, Period(timezone.localdate().year)).blocks}
    shown = {str(f.label): f.value for f in blocks["人才库在库成员"].figures}
    assert (shown["业务人才库"] or 0) >= finished.quota_total
    historic = Campaign.objects.get(is_historic=True, name="金融业务标兵")
    assert historic.state == CampaignState.RECORDED and historic.review is None
    assert Honour.objects.filter(campaign=historic, source=HonourSource.HISTORIC).count() == 4
    assert set(Honour.objects.filter(campaign=historic).values_list("document_number", flat=True)) == {
        historic.results_number
    }
    assert Campaign.objects.get(is_historic=True, name="金融系统先进单位").unit_awards.count() == 2
    review, in_review = finished.review, Campaign.objects.get(name="金融业务标兵", is_historic=False).review
    assert review is not None and in_review is not None
    assert review.reviewers.filter(state="active").count() == 5
    assert review.items.filter(sheets__is_outlier=True).exists()
    expert_sheets = in_review.items.filter(sheets__reviewer__user__username="expert")
    assert expert_sheets.filter(sheets__state=SheetState.DRAFT).exists()
    out = StringIO()
    call_command("verify_draw", "--all", stdout=out)
    assert f"已核对 {Draw.objects.count()} 条抽取记录，全部一致" in out.getvalue()


def assert_training_demo() -> None:
    """The city's training figures equal what independent counts of the demo give."""
    from datetime import date

    from django.db.models import Sum
    from django.utils import timezone

    from rencai.orgs.models import FINANCIAL_KINDS
    from rencai.talents.models import Talent
    from rencai.training import figures
    from rencai.training.models import Enrollment, OwnTraining, TrainingClass, Video, WatchProgress

    year = timezone.localdate().year
    period = figures.Period(date(year, 1, 1), date(year, 12, 31))
    table = figures.by_institution(User.objects.get(username="office"), period)
    own = OwnTraining.objects.filter(starts_on__year=year, organization__kind__in=FINANCIAL_KINDS)
    organisers = own.values("organization").distinct().count()
    sessions = own.aggregate(n=Sum("sessions"))["n"]
    participants = own.aggregate(n=Sum("participants"))["n"]
    assert (
        f"{organisers}家金融机构组织各类人才工作培训共计{sessions}期，培训人员{participants}人次"
        in figures.city_sentence(table)
    )
    attended = Enrollment.objects.filter(training_class__starts_on__year=year, hours__gt=0)
    assert table.total.office_participants == attended.count()
    assert table.office_classes == TrainingClass.objects.filter(starts_on__year=year).count()
    assert table.total.video_credits == WatchProgress.objects.filter(credited_on__year=year).count()
    registered = Talent.objects.filter(is_active=True).exclude(organization__kind="government").count()
    assert table.total.registered == registered
    certified = Enrollment.objects.exclude(certificate_number="")
    assert certified.exists() and certified.filter(talent__user__username="talent").exists()
    assert Video.objects.count() == 3


def assert_returns_demo() -> None:
    """Last year approved and passing every rule; this year in progress; a survey answered."""
    from rencai.returns import services
    from rencai.returns.models import ReturnPeriod, Severity

    periods = ReturnPeriod.objects.filter(form__code="JR-HR-01").order_by("ends_on")
    last, current = list(periods)
    assert set(last.submissions.values_list("state", flat=True)) == {"approved"}
    for submission in last.submissions.all():
        assert not [f for f in services.findings(submission) if f.severity == Severity.ERROR], submission
    states = set(current.submissions.values_list("state", flat=True))
    assert {"draft", "submitted", "returned"} <= states
    survey = ReturnPeriod.objects.get(form__is_survey=True)
    assert survey.submissions.filter(state="submitted").exists()


def assert_bulletins_demo() -> None:
    """72 liaisons in term, both periodicals with this year's issues, items in every state."""
    from django.utils import timezone

    from rencai.bulletins.models import InfoItem, ItemState, PeriodicalIssue, current_liaisons

    assert current_liaisons().count() == 72
    year = timezone.localdate().year
    names = set(PeriodicalIssue.objects.filter(year=year).values_list("periodical__name", flat=True))
    assert names == {"金融动态", "金融调研专刊"}
    assert set(InfoItem.objects.values_list("state", flat=True)) == {s.value for s in ItemState}


# --- funds (人才专项资金) ------------------------------------------------------------------
def assert_funds_demo() -> None:
    """260万 this year in six lines, 118 allowance holders by rule, 6万 of awards to the
    finished selection's winners, last year's fund closed; every balance adds up."""
    from decimal import Decimal

    from django.utils import timezone

    from rencai.funds import services
    from rencai.funds.models import AllowanceHolder, Fund, Payment
    from rencai.funds.providers import allowance_holders, awards_paid, fund_amount
    from rencai.selections.models import ApplicationState, Campaign

    year = timezone.localdate().year
    fund = Fund.objects.get(year=year)
    assert fund.amount == Decimal("2600000.00") and fund.state == "open"
    assert sorted(fund.lines.values_list("purpose", flat=True)) == sorted(
        ["training", "award", "allowance", "visit", "site", "other"]
    )
    assert Fund.objects.get(year=year - 1).state == "closed"
    holders = AllowanceHolder.objects.filter(scheme__name="区委区政府津贴")
    assert holders.count() == holders.filter(state="confirmed").count() == 118
    assert all(h.eligibility for h in holders)
    office = User.objects.get(username="office")
    assert (fund_amount(office, year), allowance_holders(office, year)) == (Decimal("2600000.00"), 118)
    assert awards_paid(office, year) == Decimal("60000.00")
    finished = Campaign.objects.get(name="最美青年金融工作者")
    winners = set(finished.applications.filter(state=ApplicationState.WINNER).values_list("pk", flat=True))
    assert set(Payment.objects.filter(kind="award", state="paid").values_list("application_id", flat=True)) == winners
    for line in fund.lines.all():
        current = services.balance(line)
        assert current.remaining >= 0 and current.budget == line.amount


# --- cooperation ---
def assert_cooperation_demo() -> None:
    """An alliance whose chair has passed in rotation order, activities of every kind with
    participants from member units, secondments with one awaiting evaluation, agreements
    with 四大领域十个项目."""
    from rencai.cooperation import services
    from rencai.cooperation.models import (
        ActivityKind,
        AgreementProject,
        Alliance,
        ChairState,
        JointActivity,
        Secondment,
    )

    alliance = Alliance.objects.get()
    terms = list(alliance.terms.order_by("term_number"))
    assert len(terms) >= 3 and [t.state for t in terms[:-1]] == [ChairState.HANDED_OVER] * (len(terms) - 1)
    assert terms[1].member.rotation_order == terms[0].member.rotation_order + 1
    assert services.current_term(alliance) == terms[-1]
    assert set(JointActivity.objects.values_list("kind", flat=True)) == set(ActivityKind.values)
    assert all(services.participants_by_unit(a) for a in JointActivity.objects.all()[:5])
    assert services.awaiting_evaluation(Secondment.objects.all()).count() == 1
    first = alliance.members.order_by("rotation_order").first()
    assert first is not None and first.party_branches
    assert AgreementProject.objects.filter(area__agreement__renewed_from__isnull=True).count() >= 10


# --- projects (人才工程) ---


def assert_projects_demo() -> None:
    """Two programmes with tasks in every state and every colour, colours computed."""
    from django.utils import timezone

    from rencai.projects.models import Colour, ProjectTask, SupervisionNotice, TalentProject, TaskState
    from rencai.projects.services import compute_colour

    assert set(TalentProject.objects.values_list("name", flat=True)) == {"领军人才“高峰计划”", "业务人才“高地计划”"}
    assert set(ProjectTask.objects.values_list("state", flat=True)) == set(TaskState.values)
    assert set(ProjectTask.objects.values_list("colour", flat=True)) == set(Colour.values)
    for task in ProjectTask.objects.all():
        assert compute_colour(task, timezone.localdate()).colour == task.colour, task
    assert SupervisionNotice.objects.filter(task__colour=Colour.RED).exists()


# --- assessment (目标考核与示范点) ---
def assert_assessment_demo() -> None:
    """A finished year ranked and published, a year in progress, and 20 accepted sites of
    the 100-site 2021—2025 target on the leader view."""
    from django.utils import timezone

    from rencai.assessment.models import AssessmentRound, RoundState, SiteProgramme, SiteState
    from rencai.assessment.services import programme_progress
    from rencai.core.figures import Period
    from rencai.dashboards.leader import _build

    year = timezone.localdate().year
    finished = AssessmentRound.objects.get(scheme__year=year - 1)
    assert finished.state == RoundState.PUBLISHED and finished.results_number
    ranks = list(finished.assessments.order_by("rank").values_list("rank", "grade", "final_score"))
    assert [r for r, _, _ in ranks] == list(range(1, len(ranks) + 1)) and len(ranks) >= 9
    assert {g for _, g, _ in ranks} >= {"excellent", "good", "fair", "poor"}
    current = AssessmentRound.objects.get(scheme__year=year)
    assert current.state == RoundState.OPEN
    assert set(current.assessments.values_list("state", flat=True)) == {"draft", "submitted"}
    programme = SiteProgramme.objects.get()
    assert (programme.number, programme.start_year, programme.end_year) == (100, 2021, 2025)
    assert programme.sites.filter(state=SiteState.ACCEPTED).count() == 20
    leader = User.objects.get(username="leader")
    assert programme_progress(programme, leader).current == 20
    blocks = {b.title: b for b in _build(leader, Period(year)).blocks}
    assert blocks["目标考核与示范点"].figures[0].value == 20


# --- end assessment ---
