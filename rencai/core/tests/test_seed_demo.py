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
