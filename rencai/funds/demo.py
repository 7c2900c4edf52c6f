"""Demo funds (seed 004): this year's 260万元 fund with its six budget lines, the
区委区政府津贴 paid to 118 excellent talents proposed by rule and confirmed, 6万元 of awards
to the winners of the finished selection, a training and a visit payment, and last year's
50万元 fund closed. Idempotent: nothing is added once this year's fund exists."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from rencai.accounts.models import User
from rencai.funds import services
from rencai.funds.models import (
    AllowanceRule,
    AllowanceScheme,
    AwardRule,
    BudgetLine,
    Frequency,
    Fund,
    FundState,
    Payment,
    PaymentKind,
    PaymentState,
    Purpose,
)
from rencai.funds.workflows import FUND_WORKFLOW, PAYMENT_WORKFLOW, transition
from rencai.talents.models import DictionaryEntry, DictionaryKind, Honour, HonourLevel, Talent

HOLDERS = 118
HONOUR = "区优秀金融人才"
LINES = {
    Purpose.TRAINING: "600000.00",
    Purpose.AWARD: "200000.00",
    Purpose.ALLOWANCE: "1200000.00",
    Purpose.VISIT: "200000.00",
    Purpose.SITE: "300000.00",
    Purpose.OTHER: "100000.00",
}
#: A sentence a 工作总结 template can carry (the dashboards' demo owns the templates).
SUMMARY = (
    "{{年度}}年，全区人才专项资金从原来的每年50万元提高到每年{{人才专项资金万元}}万元，"
    "向{{享受津贴人才数}}名优秀人才发放区委区政府津贴，发放评选奖励{{发放奖励万元}}万元。"
)


def load(stdout) -> None:
    with transaction.atomic():
        _load(stdout)


def _load(stdout) -> None:
    year = timezone.localdate().year
    if Fund.objects.filter(year=year).exists():
        stdout.write("人才专项资金演示数据已存在，跳过。")
        return
    office, office2, leader = (User.objects.get(username=name) for name in ("office", "office2", "leader"))
    _last_year(year - 1, office, office2, leader)
    fund = Fund.objects.create(
        year=year,
        amount=Decimal("2600000.00"),
        document_number=f"区委办发〔{year}〕8号",
        notes="由每年50万元提高到每年260万元",
    )
    lines = {
        purpose: BudgetLine.objects.create(fund=fund, purpose=purpose, amount=Decimal(a))
        for purpose, a in LINES.items()
    }
    scheme = _allowance(year, lines[Purpose.ALLOWANCE], office)
    _awards(lines[Purpose.AWARD], office, office2, leader)
    _training_and_visit(lines, office, office2, leader)
    current = services.fund_balance(fund)
    stdout.write(
        f"人才专项资金：{year}年{services._money(fund.amount)}元（已支付{services._money(current.paid)}元），"
        f"{scheme.name}{scheme.holders.filter(state='confirmed').count()}人，{year - 1}年资金已结账。"
    )


def _advance(payment: Payment, office2: User, leader: User, voucher: str, paid_on: date) -> None:
    PAYMENT_WORKFLOW.apply(payment, transition("check"), office2, {})
    PAYMENT_WORKFLOW.apply(payment, transition("approve"), leader, {})
    PAYMENT_WORKFLOW.apply(payment, transition("pay"), office2, {"voucher_number": voucher, "paid_on": paid_on})


def _apply(line: BudgetLine, user: User, **fields) -> Payment:
    payment = Payment(line=line, applied_by=user, **fields)
    payment.full_clean()
    services.check_fits(payment)
    payment.save()
    return payment


def _last_year(year: int, office: User, office2: User, leader: User) -> None:
    fund = Fund.objects.create(year=year, amount=Decimal("500000.00"), document_number=f"区委办发〔{year}〕5号")
    for purpose, amount in ((Purpose.TRAINING, "300000.00"), (Purpose.VISIT, "200000.00")):
        line = BudgetLine.objects.create(fund=fund, purpose=purpose, amount=Decimal(amount))
        organization = Talent.objects.filter(is_active=True).order_by("pk").first()
        assert organization is not None  # the talents demo seeds the registry first
        payment = _apply(
            line,
            office,
            kind=PaymentKind.OTHER,
            summary=f"{year}年{line.get_purpose_display()}支出",
            organization=organization.organization,
            amount=Decimal(amount) - Decimal("12000.00"),
        )
        _advance(payment, office2, leader, f"记-{year}-{purpose}", date(year, 12, 20))
    FUND_WORKFLOW.apply(fund, FUND_WORKFLOW.transitions[0], office, {})
    assert fund.state == FundState.CLOSED


def _honour_holders(year: int) -> None:
    """The 118 excellent talents (top tiers first) receive the district's honour the
    allowance rule looks for; more demo talents only if the registry has too few."""
    tiers = {e.code: e for e in DictionaryEntry.objects.filter(kind=DictionaryKind.TIER)}
    order = ["LJ", "GD", "YC"]
    chosen: list[Talent] = []
    for code in order:
        if code in tiers and len(chosen) < HOLDERS:
            chosen += list(
                Talent.objects.filter(is_active=True, organization__is_active=True, tier=tiers[code]).order_by("pk")[
                    : HOLDERS - len(chosen)
                ]
            )
    if len(chosen) < HOLDERS:
        rest = Talent.objects.filter(is_active=True, organization__is_active=True).exclude(
            pk__in=[t.pk for t in chosen]
        )
        chosen += list(rest.order_by("pk")[: HOLDERS - len(chosen)])
    for talent in chosen:
        Honour.objects.create(
            talent=talent,
            name=HONOUR,
            level=HonourLevel.DISTRICT,
            awarded_by="区委区政府",
            awarded_on=date(year, 1, 10),
        )


def _allowance(year: int, line: BudgetLine, office: User) -> AllowanceScheme:
    _honour_holders(year)
    scheme = AllowanceScheme.objects.create(
        name="区委区政府津贴",
        line=line,
        frequency=Frequency.YEARLY,
        term_start=date(year, 1, 1),
        term_end=date(year + 2, 12, 31),
        document_number=f"区委发〔{year}〕3号",
    )
    leading = DictionaryEntry.objects.filter(kind=DictionaryKind.TIER, code="LJ").first()
    if leading is not None:
        AllowanceRule.objects.create(
            scheme=scheme, name="优秀金融人才（领军）", tier=leading, honour_name=HONOUR, amount=Decimal("10000.00")
        )
    AllowanceRule.objects.create(scheme=scheme, name="优秀金融人才", honour_name=HONOUR, amount=Decimal("8000.00"))
    services.propose_holders(scheme)
    services.confirm_holders(scheme, office)
    return scheme


def _awards(line: BudgetLine, office: User, office2: User, leader: User) -> None:
    from rencai.selections.models import ApplicationState, Campaign, CampaignState

    campaign = Campaign.objects.filter(state=CampaignState.DECIDED).order_by("-year", "pk").first()
    if campaign is None:
        return
    winners = campaign.applications.filter(state=ApplicationState.WINNER).count()
    if not winners:
        return
    rule = AwardRule.objects.create(
        campaign=campaign, line=line, amount=(Decimal("60000.00") / winners).quantize(Decimal("0.01"))
    )
    services.commit_awards(rule, office)
    today = timezone.localdate()
    for n, payment in enumerate(Payment.objects.filter(application__campaign=campaign).order_by("pk"), start=1):
        _advance(payment, office2, leader, f"记-{today.year}-JL{n:02d}", today)


def _training_and_visit(lines: dict, office: User, office2: User, leader: User) -> None:
    from rencai.training.models import TrainingClass

    today = timezone.localdate()
    klass = TrainingClass.objects.filter(starts_on__year=today.year).order_by("starts_on").first()
    if klass is not None:
        payment = _apply(
            lines[Purpose.TRAINING],
            office,
            kind=PaymentKind.TRAINING,
            summary=f"{klass.name}培训费",
            training_class=klass,
            organization=klass.organization,
            amount=Decimal("86500.00"),
        )
        _advance(payment, office2, leader, f"记-{today.year}-PX01", today)
    talent = Talent.objects.filter(is_active=True, honours__name=HONOUR).order_by("pk").first()
    if talent is not None:
        _apply(
            lines[Purpose.VISIT],
            office,
            kind=PaymentKind.VISIT,
            summary="春节走访慰问",
            talent=talent,
            amount=Decimal("2000.00"),
        )
    assert not Payment.objects.filter(state=PaymentState.PAID, amount__lt=0).exists()
