"""What the target assessment and the demonstration sites do beyond plain records.

Computed indicators read the platform's records through the functions their apps give
(``projects.services.unit_figures``, ``bulletins.scores``, ``training.figures``, the lists'
own counts); each keeps the formula it used and the list of the records it counted.
Scores, ranking and grades are computed here and stored on the unit's assessment when the
round goes to publicity, so that the published table never moves under a reader.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rencai.assessment.models import (
    CLASS_KINDS,
    ZERO,
    AcceptanceRound,
    Appeal,
    AppealState,
    AssessmentRound,
    AssessmentState,
    Decision,
    DemonstrationSite,
    Grade,
    Indicator,
    IndicatorScore,
    RoundState,
    SiteProgramme,
    SiteState,
    Source,
    UnitAssessment,
    UnitClass,
)
from rencai.core.errors import Conflict, Refused
from rencai.core.figures import Progress, list_count, target_progress
from rencai.evaluation import services as evaluation
from rencai.evaluation.draw import same_institution
from rencai.evaluation.models import Review, ReviewerState, ReviewItem, ReviewState
from rencai.orgs.models import Organization

TWO = Decimal("0.01")


def rounded(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


# --- computed indicators -----------------------------------------------------------------


@dataclass
class Computed:
    """An indicator's value from the platform, how it was counted, and the records."""

    value: Decimal
    formula: str
    url: str = ""


def _within(organization: Organization) -> dict:
    return {"organization__path__startswith": organization.path}


def _returns_due(organization: Organization, year: int):
    from rencai.returns.models import Submission

    return Submission.objects.filter(period__ends_on__year=year, **_within(organization)).select_related(
        "period__form", "organization"
    )


def _returns_on_time(organization: Organization, year: int) -> list:
    from rencai.returns.models import SubmissionState

    return [
        s
        for s in _returns_due(organization, year)
        if s.state in (SubmissionState.APPROVED, SubmissionState.LOCKED)
        and s.submitted_at is not None
        and timezone.localtime(s.submitted_at).date() <= s.period.due_on
    ]


def _returns(organization: Organization, year: int, user) -> Computed:
    due = list(_returns_due(organization, year))
    on_time = _returns_on_time(organization, year)
    url = f"{reverse('objects:submissions-list')}?{urlencode({'q': organization.name})}"
    formula = (
        f"报告期截止于{year}年的统计报表中，在报送截止日期前报送且审核通过的份数："
        f"应报{len(due)}份，按期报送并审核通过{len(on_time)}份。"
    )  # i18n: stored (the line's formula)
    return Computed(Decimal(len(on_time)), formula, url)


def _training_row(organization: Organization, year: int, user):
    from rencai.training import figures as training_figures

    table = training_figures.by_institution(user, training_figures.Period(date(year, 1, 1), date(year, 12, 31)))
    row = next((r for r in table.rows if r.organization.pk == organization.pk), None)
    url = f"{reverse('training:figures')}?{urlencode({'year': year})}"
    return row, url


def _training(source: str, organization: Organization, year: int, user) -> Computed:
    row, url = _training_row(organization, year, user)
    if row is None:
        return Computed(ZERO, f"{year}年培训统计中没有本单位的数据。", url)  # i18n: stored (the line's formula)
    if source == Source.TRAINING_COVERAGE:
        coverage = row.coverage or ZERO
        formula = (
            f"受训覆盖率=本单位（含下属机构）{year}年参加培训的在库人才数÷在库人才数×100%"
            f"={len(row.trained)}÷{row.registered}×100%={coverage}%。"
        )  # i18n: stored (the line's formula)
        return Computed(Decimal(coverage), formula, url)
    if source == Source.OWN_TRAINING_CLASSES:
        return Computed(
            Decimal(row.own_classes), f"{year}年机构自办培训（已报备）合计{row.own_classes}期。", url
        )  # i18n: stored (the line's formula)
    return Computed(
        Decimal(row.own_participants), f"{year}年机构自办培训合计{row.own_participants}人次。", url
    )  # i18n: stored (the line's formula)


def _tier_breakdown(queryset) -> str:
    from django.db.models import Count

    rows = queryset.values("tier__name").annotate(n=Count("pk")).order_by("tier__name")
    parts = [f"{r['tier__name'] or '未定层级'}{r['n']}人" for r in rows]  # i18n: stored (the line's formula)
    return "，".join(parts) if parts else "无"  # i18n: stored (the line's formula)


def _talents(source: str, organization: Organization, year: int, user) -> Computed:
    from rencai.talents.models import Talent

    figure = list_count("talents", user, within=organization.pk, is_active="true")
    active = Talent.objects.filter(is_active=True, **_within(organization))
    if source == Source.TALENTS:
        formula = f"本单位（含下属机构）在库人才{figure.value or 0}人（按层级：{_tier_breakdown(active)}）。"  # i18n: stored (the line's formula)
        return Computed(Decimal(figure.value or 0), formula, figure.url)
    new = active.filter(created_at__year=year)
    count = new.count()
    before = active.filter(created_at__year__lt=year).count()
    formula = (
        f"{year}年新登记入库的在库人才{count}人（按层级：{_tier_breakdown(new)}）；"
        f"年初{before}人，现{figure.value or 0}人。"
    )  # i18n: stored (the line's formula)
    return Computed(Decimal(count), formula, figure.url)


def _honours_qs(organization: Organization, year: int):
    from rencai.talents.models import Honour

    return Honour.objects.filter(awarded_on__year=year, talent__organization__path__startswith=organization.path)


def _honours(organization: Organization, year: int, user) -> Computed:
    honours = _honours_qs(organization, year)
    count = honours.count()
    names = "、".join(sorted({h.name for h in honours[:50]})) or "无"  # i18n: stored (the line's formula)
    url = f"{reverse('objects:honours-list')}?{urlencode({'q': organization.name})}"
    return Computed(
        Decimal(count), f"本单位人才{year}年获评荣誉{count}项（{names}）。", url
    )  # i18n: stored (the line's formula)


def _unit_awards_qs(organization: Organization, year: int):
    from rencai.selections.models import UnitAward

    return UnitAward.objects.filter(awarded_on__year=year, **_within(organization))


def _unit_awards(organization: Organization, year: int, user) -> Computed:
    awards = _unit_awards_qs(organization, year)
    count = awards.count()
    names = "、".join(a.title for a in awards[:20]) or "无"  # i18n: stored (the line's formula)
    url = f"{reverse('objects:unit-awards-list')}?{urlencode({'q': organization.name})}"
    return Computed(
        Decimal(count), f"本单位{year}年获评单位荣誉{count}项（{names}）。", url
    )  # i18n: stored (the line's formula)


def _tasks(organization: Organization, year: int, user) -> Computed:
    from rencai.core.objects import registered
    from rencai.projects.services import unit_figures

    tasks = registered()["project-tasks"].visible(user).filter(organization=organization)
    rows = unit_figures(tasks, ["organization_id"])
    on_time = sum(r["on_time"] for r in rows)
    total = sum(r["total"] for r in rows)
    late = sum(r["late"] for r in rows)
    figure = list_count("project-tasks", user, organization=organization.pk, on_time="true")
    formula = (
        f"责任单位为本单位的人才工程任务{total}项，按期办结（办结日期不晚于完成时限）{on_time}项，"
        f"逾期（逾期办结或超期未办结）{late}项。"
    )  # i18n: stored (the line's formula)
    return Computed(Decimal(on_time), formula, figure.url)


def _info(organization: Organization, year: int, user) -> Computed:
    from rencai.bulletins.scores import ScorePeriod, unit_scores, yearly_score

    found = unit_scores(ScorePeriod(year), organization)
    adopted = found[0].adopted if found else 0
    score = yearly_score(organization, year)
    url = f"{reverse('bulletins:ranking')}?{urlencode({'year': year})}"
    formula = f"{year}年报送信息被刊物采用{adopted}篇次，信息工作年度得分{score}分（按当年计分规则）。"  # i18n: stored (the line's formula)
    return Computed(Decimal(adopted), formula, url)


def compute(indicator: Indicator, organization: Organization, year: int, user) -> Computed | None:
    """The indicator's value for the unit and year from the platform's records (None for a
    self-scored indicator)."""
    source = indicator.source
    if source == Source.MANUAL:
        return None
    if source == Source.RETURNS:
        return _returns(organization, year, user)
    if source in (Source.TRAINING_COVERAGE, Source.OWN_TRAINING_CLASSES, Source.OWN_TRAINING_PARTICIPANTS):
        return _training(source, organization, year, user)
    if source in (Source.TALENTS, Source.NEW_TALENTS):
        return _talents(source, organization, year, user)
    if source == Source.HONOURS:
        return _honours(organization, year, user)
    if source == Source.UNIT_AWARDS:
        return _unit_awards(organization, year, user)
    if source == Source.TASKS:
        return _tasks(organization, year, user)
    if source == Source.INFO:
        return _info(organization, year, user)
    raise ValueError(source)


def score_for_value(indicator: Indicator, value: Decimal) -> Decimal:
    """分值×min(数值÷满分对应数值, 1)."""
    assert indicator.full_value  # clean(): a computed indicator has one
    share = min(value / indicator.full_value, Decimal(1))
    return rounded(indicator.max_score * max(share, ZERO))


def refresh_computed(assessment: UnitAssessment, user) -> None:
    """Recount every computed indicator of a unit's assessment (its self-score is the
    score the count gives: a unit does not score what the platform counts)."""
    for line in assessment.scores.select_related("indicator"):
        found = compute(line.indicator, assessment.organization, assessment.round.year, user)
        if found is None:
            continue
        score = score_for_value(line.indicator, found.value)
        formula = f"{found.formula}\n得分=分值{line.indicator.max_score}×min({found.value}÷{line.indicator.full_value}, 1)={score}分。"  # i18n: stored (the line's formula)
        if (line.value, line.formula, line.self_score) != (found.value, formula, score):
            line.value, line.formula, line.self_score = found.value, formula, score
            line.version += 1
            line.save()


def records_url(line: IndicatorScore, user) -> str:
    """The list of the records a computed line counted (without counting them again)."""
    organization, year = line.assessment.organization, line.assessment.round.year
    source = line.indicator.source
    by_name = urlencode({"q": organization.name})
    urls: dict[str, str] = {
        Source.RETURNS: f"{reverse('objects:submissions-list')}?{by_name}",
        Source.TRAINING_COVERAGE: f"{reverse('training:figures')}?{urlencode({'year': year})}",
        Source.OWN_TRAINING_CLASSES: f"{reverse('objects:own-trainings-list')}?{by_name}",
        Source.OWN_TRAINING_PARTICIPANTS: f"{reverse('objects:own-trainings-list')}?{by_name}",
        Source.TALENTS: f"{reverse('objects:talents-list')}?{urlencode({'within': organization.pk, 'is_active': 'true'})}",
        Source.NEW_TALENTS: f"{reverse('objects:talents-list')}?{urlencode({'within': organization.pk, 'is_active': 'true'})}",
        Source.HONOURS: f"{reverse('objects:talents-list')}?{urlencode({'within': organization.pk})}",
        Source.UNIT_AWARDS: f"{reverse('objects:unit-awards-list')}?{by_name}",
        Source.TASKS: f"{reverse('objects:project-tasks-list')}?{urlencode({'organization': organization.pk, 'on_time': 'true'})}",
        Source.INFO: f"{reverse('bulletins:ranking')}?{urlencode({'year': year})}",
    }
    return urls.get(str(source), "")


def counted_records(line: IndicatorScore, user) -> tuple[list[str], list[tuple[str, list[str]]]] | None:
    """The records a computed line counted, each linked, as far as ``user`` may see them
    (headers, rows); None for a line without single records (training figures, adoption
    scores: their page is linked instead)."""
    from rencai.core.objects import registered

    organization, year = line.assessment.organization, line.assessment.round.year
    source = line.indicator.source

    def rows(slug: str, queryset, cells) -> list[tuple[str, list[str]]]:
        config = registered()[slug]
        if not config.can_view(user):
            return []
        visible = config.visible(user).filter(pk__in=[o.pk for o in queryset])
        return [(reverse(config.url_name("detail"), args=[o.pk]), cells(o)) for o in visible[:200]]

    if source == Source.RETURNS:
        found = _returns_on_time(organization, year)
        return [_("报表"), _("报告期"), _("单位"), _("报送时间")], rows(
            "submissions",
            found,
            lambda s: [
                s.period.form.name,
                s.period.label,
                s.organization.name,
                f"{timezone.localtime(s.submitted_at):%Y-%m-%d}",
            ],
        )
    if source in (Source.TALENTS, Source.NEW_TALENTS):
        from rencai.talents.models import Talent

        talents = Talent.objects.filter(is_active=True, **_within(organization)).select_related("tier", "organization")
        if source == Source.NEW_TALENTS:
            talents = talents.filter(created_at__year=year)
        return [_("姓名"), _("层级"), _("单位")], rows(
            "talents", talents, lambda t: [t.name, t.tier.name if t.tier_id else "", t.organization.name]
        )
    if source == Source.HONOURS:
        honours = _honours_qs(organization, year).select_related("talent")
        return [_("人才"), _("荣誉称号"), _("授予时间")], rows(
            "honours", honours, lambda h: [h.talent.name, h.name, f"{h.awarded_on:%Y-%m-%d}"]
        )
    if source == Source.UNIT_AWARDS:
        return [_("获奖对象"), _("荣誉称号"), _("授予时间")], rows(
            "unit-awards",
            _unit_awards_qs(organization, year),
            lambda a: [a.subject_name, a.title, f"{a.awarded_on:%Y-%m-%d}"],
        )
    if source == Source.TASKS:
        from rencai.projects.models import ProjectTask

        tasks = ProjectTask.objects.filter(organization=organization).closed_on_time()
        return [_("任务"), _("完成时限"), _("办结日期")], rows(
            "project-tasks", tasks, lambda t: [t.title, f"{t.due_on:%Y-%m-%d}", f"{t.closed_on:%Y-%m-%d}"]
        )
    return None


# --- opening a round ----------------------------------------------------------------------


def open_assessment(round_: AssessmentRound, organization: Organization, user, department=None) -> UnitAssessment:
    if round_.state != RoundState.OPEN:
        raise Refused(_("该考核批次已结束自评，不能再加入单位。"))
    existing = UnitAssessment.objects.filter(round=round_, organization=organization, department=department)
    if existing.exists():
        raise Conflict(_("%(unit)s已在本批次考核中。") % {"unit": department.name if department else organization.name})
    assessment = UnitAssessment(round=round_, organization=organization, department=department)
    assessment.save()
    add_lines(assessment, user)
    return assessment


def add_lines(assessment: UnitAssessment, user) -> None:
    """One line per indicator of the scheme, the computed ones counted at once."""
    for indicator in assessment.round.scheme.indicators.all():
        IndicatorScore.objects.create(assessment=assessment, indicator=indicator)
    refresh_computed(assessment, user)


def class_units(unit_class: str) -> list[Organization]:
    """The head units of a class: organisations of its kinds whose parent is not of them."""
    kinds = CLASS_KINDS[unit_class]
    if unit_class == UnitClass.DEPARTMENT:
        return []
    units = Organization.objects.filter(kind__in=kinds).select_related("parent").order_by("path")
    return [o for o in units if o.parent is None or o.parent.kind not in kinds]


def launch(round_: AssessmentRound, user) -> int:
    """Open an assessment for every head unit of the scheme's class not yet in the round
    (for the office's departments: every department of the user's organisation)."""
    count = 0
    if round_.scheme.unit_class == UnitClass.DEPARTMENT:
        from rencai.orgs.models import Department

        present = set(round_.assessments.values_list("department_id", flat=True))
        for department in Department.objects.filter(organization=user.organization, parent__isnull=True):
            if department.pk not in present:
                open_assessment(round_, user.organization, user, department)
                count += 1
        return count
    present = set(round_.assessments.filter(department__isnull=True).values_list("organization_id", flat=True))
    for organization in class_units(round_.scheme.unit_class):
        if organization.pk not in present:
            open_assessment(round_, organization, user)
            count += 1
    return count


# --- self-assessment ------------------------------------------------------------------------


def bonus_total(lines, attribute: str) -> Decimal:
    return sum((getattr(s, attribute) or ZERO for s in lines if s.indicator.is_bonus), ZERO)


def check_bonus(assessment: UnitAssessment, attribute: str) -> None:
    lines = list(assessment.scores.select_related("indicator"))
    total = bonus_total(lines, attribute)
    cap = assessment.round.scheme.bonus_cap
    if total > cap:
        raise Refused(_("加分项合计%(total)s分，超过加分上限%(cap)s分，请调整。") % {"total": total, "cap": cap})


def check_self_score(line: IndicatorScore) -> None:
    """A self-score within the indicator's maximum, and the bonus lines within the cap."""
    indicator = line.indicator
    if line.assessment.state != AssessmentState.DRAFT:
        raise Conflict(_("自评已提交，不能再修改。"))
    if indicator.computed:
        raise Refused(_("“%(indicator)s”由平台数据计算，不能自评。") % {"indicator": indicator.name})
    if line.self_score is not None and line.self_score > indicator.max_score:
        raise Refused(
            _("“%(indicator)s”的自评得分不能超过该指标分值%(max_score)s分。")
            % {"indicator": indicator.name, "max_score": indicator.max_score}
        )
    if indicator.is_bonus:
        others = bonus_total(line.assessment.scores.exclude(pk=line.pk).select_related("indicator"), "self_score")
        cap = line.assessment.round.scheme.bonus_cap
        if others + (line.self_score or ZERO) > cap:
            raise Refused(
                _("加分项合计%(total)s分，超过加分上限%(cap)s分。")
                % {"total": others + (line.self_score or ZERO), "cap": cap}
            )


def total_of(lines, attribute: str, cap: Decimal) -> Decimal:
    base = sum((getattr(s, attribute) or ZERO for s in lines if not s.indicator.is_bonus), ZERO)
    return rounded(base + min(bonus_total(lines, attribute), cap))


def submit(assessment: UnitAssessment, user) -> None:
    """Recount, check every self-scored line (score and evidence), and submit."""
    round_ = assessment.round
    if round_.state != RoundState.OPEN:
        raise Refused(_("该考核批次的自评已截止。"))
    refresh_computed(assessment, user)
    lines = list(assessment.scores.select_related("indicator").prefetch_related("files"))
    problems = []
    for line in lines:
        indicator = line.indicator
        if indicator.computed:
            continue
        if line.self_score is None and not indicator.is_bonus:
            problems.append(_("请填写“%(indicator)s”的自评得分。") % {"indicator": indicator.name})
        elif line.self_score and indicator.evidence and not line.files.all():
            problems.append(
                _("“%(indicator)s”须上传佐证材料（%(evidence)s）。")
                % {"indicator": indicator.name, "evidence": indicator.evidence}
            )
    if problems:
        raise Refused(" ".join(problems))
    check_bonus(assessment, "self_score")
    assessment.self_total = total_of(lines, "self_score", round_.scheme.bonus_cap)
    assessment.submitted_at = timezone.now()


# --- office review --------------------------------------------------------------------------


def check_not_own_unit(user, assessment: UnitAssessment) -> None:
    """Nobody reviews the unit they work for (its head institution and branches)."""
    own = getattr(user, "organization", None)
    if own is None or assessment.round.scheme.unit_class == UnitClass.DEPARTMENT:
        return
    if same_institution(own.path, assessment.organization.path):
        raise Refused(
            _("您所在单位与被考核单位“%(unit)s”为同一单位，须回避，不能审核本单位的自评。")
            % {"unit": assessment.organization.name}
        )


def _reviewable(line: IndicatorScore) -> None:
    assessment = line.assessment
    if assessment.state == AssessmentState.SUBMITTED:
        return
    upheld = assessment.appeals.filter(state=AppealState.UPHELD).exists()
    if assessment.round.state == RoundState.PUBLICITY and upheld:
        return
    raise Conflict(_("只能审核已提交的自评（公示期内仅申诉成立的单位可复核调整）。"))


def accept_line(line: IndicatorScore, user) -> None:
    _reviewable(line)
    check_not_own_unit(user, line.assessment)
    line.decision = Decision.ACCEPTED
    line.office_score = line.self_score or ZERO
    line.adjust_reason = ""


def adjust_line(line: IndicatorScore, user, score: Decimal, reason: str) -> None:
    _reviewable(line)
    check_not_own_unit(user, line.assessment)
    indicator = line.indicator
    if score < 0 or score > indicator.max_score:
        raise Refused(
            _("“%(indicator)s”的审核得分须在0至%(max_score)s分之间。")
            % {"indicator": indicator.name, "max_score": indicator.max_score}
        )
    if not (reason or "").strip():
        raise Refused(_("调整得分须填写理由。"))
    line.decision = Decision.ADJUSTED
    line.office_score = score
    line.adjust_reason = reason.strip()


def finish_review(assessment: UnitAssessment, user) -> None:
    check_not_own_unit(user, assessment)
    lines = list(assessment.scores.select_related("indicator"))
    pending = [s.indicator.name for s in lines if s.decision == Decision.PENDING]
    if pending:
        raise Refused(
            _("尚有%(count)s项指标未审核：%(names)s。") % {"count": len(pending), "names": "、".join(pending[:5])}
        )
    check_bonus(assessment, "office_score")
    assessment.office_total = total_of(lines, "office_score", assessment.round.scheme.bonus_cap)
    assessment.reviewed_by = user


# --- experts --------------------------------------------------------------------------------


def start_expert_review(round_: AssessmentRound, user) -> Review:
    """Hand the units to the review engine (experts are drawn next, with recusal)."""
    scheme = round_.scheme
    if round_.state != RoundState.REVIEW:
        raise Refused(_("自评截止后方可组织专家评审。"))
    if round_.review_id:
        raise Conflict(_("本批次已组织专家评审。"))
    if not scheme.expert_weight:
        raise Refused(_("本考核方案不设专家评审（专家评审权重为0）。"))
    if round_.rubric is None:
        raise Refused(_("请先为考核批次选择专家评分细则。"))
    assessments = list(round_.assessments.exclude(state=AssessmentState.DRAFT).select_related("organization"))
    if not assessments:
        raise Refused(_("没有已提交自评的单位。"))
    review = Review(
        title=f"{round_}专家评审", rubric=round_.rubric, organization=user.organization
    )  # i18n: stored (the review's title)
    review.full_clean()
    review.save()
    for order, assessment in enumerate(assessments, start=1):
        item = ReviewItem.objects.create(
            review=review, label=assessment.unit_name, organization=assessment.organization, order=order
        )
        assessment.review_item = item
        assessment.version += 1
        assessment.save()
    round_.review = review
    return review


def check_experts(review: Review) -> None:
    """No seated expert works in a unit under review (the draw already recuses them; a
    seat made any other way is refused here)."""
    items = list(review.items.select_related("organization"))
    for seat in review.reviewers.filter(state=ReviewerState.ACTIVE).select_related("talent__organization"):
        for item in items:
            if same_institution(seat.talent.organization.path, item.organization.path, 1):
                raise Refused(
                    _("评审专家%(expert)s来自被评单位“%(unit)s”，须回避。")
                    % {"expert": seat.talent.name, "unit": item.organization.name}
                )


def _expert_results(round_: AssessmentRound) -> dict[int, Decimal]:
    """Each review item's expert score on a 0–100 scale (the review is closed first)."""
    review = round_.review
    if review is None:
        return {}
    check_experts(review)
    if review.state == ReviewState.PREPARING:
        raise Refused(_("专家评审尚未开始（请先抽取专家并由监督人签字确认）。"))
    if review.state == ReviewState.SCORING:
        evaluation.close_review(review)
    return {item.pk: item.total_score for item in review.items.all() if item.total_score is not None}


def grade_for(score: Decimal, scheme, excellent_left: bool) -> str:
    if score >= scheme.excellent_min and excellent_left:
        return Grade.EXCELLENT
    if score >= scheme.good_min:
        return Grade.GOOD
    if score >= scheme.fair_min:
        return Grade.FAIR
    return Grade.POOR


def rank_round(round_: AssessmentRound) -> list[UnitAssessment]:
    """Final scores, ranks (ties: the office score, then the unit's order) and grades."""
    scheme = round_.scheme
    assessments = list(round_.assessments.select_related("organization", "department"))
    waiting = [a.unit_name for a in assessments if a.state != AssessmentState.REVIEWED]
    if waiting:
        raise Refused(
            _("尚有%(count)s个单位未完成审核：%(names)s。") % {"count": len(waiting), "names": "、".join(waiting[:5])}
        )
    expert = _expert_results(round_)
    weight = scheme.expert_weight / 100 if round_.review_id else ZERO
    base = scheme.base_marks() or Decimal(100)
    for a in assessments:
        office = a.office_total or ZERO
        a.expert_score = rounded(expert[a.review_item_id] * base / 100) if a.review_item_id in expert else None
        if a.expert_score is not None:
            a.final_score = rounded(office * (1 - weight) + a.expert_score * weight)
        else:
            a.final_score = office
    ordered = sorted(
        assessments,
        key=lambda a: (-(a.final_score or ZERO), -(a.office_total or ZERO), a.organization.path, a.unit_name),
    )
    allowed = max(1, len(ordered) * scheme.excellent_share // 100)
    excellent = 0
    for position, a in enumerate(ordered, start=1):
        assert a.final_score is not None
        a.rank = position
        a.grade = grade_for(a.final_score, scheme, excellent < allowed)
        excellent += a.grade == Grade.EXCELLENT
        a.version += 1
        a.save()
    return ordered


def start_publicity(round_: AssessmentRound, today: date | None = None) -> list[UnitAssessment]:
    today = today or timezone.localdate()
    ordered = rank_round(round_)
    round_.publicity_starts_on = today
    round_.publicity_ends_on = today + timedelta(days=round_.publicity_days - 1)
    return ordered


def close_self_assessment(round_: AssessmentRound) -> None:
    drafts = round_.assessments.filter(state=AssessmentState.DRAFT).count()
    if drafts:
        raise Refused(_("尚有%(count)s个单位未提交自评，请催报或退回后再截止。") % {"count": drafts})
    if not round_.assessments.exists():
        raise Refused(_("本批次还没有被考核单位。"))


def appeal_deadline(round_: AssessmentRound) -> date | None:
    if round_.publicity_starts_on is None:
        return None
    return round_.publicity_starts_on + timedelta(days=round_.appeal_days - 1)


def file_appeal(appeal: Appeal, today: date | None = None) -> None:
    today = today or timezone.localdate()
    round_ = appeal.assessment.round
    deadline = appeal_deadline(round_)
    if round_.state != RoundState.PUBLICITY or deadline is None:
        raise Refused(_("只能在结果公示期内提出申诉。"))
    if today > deadline:
        raise Refused(_("申诉期至%(deadline)s已结束。") % {"deadline": deadline})


def handle_appeal(appeal: Appeal, upheld: bool, reason: str) -> None:
    if appeal.state != AppealState.OPEN:
        raise Conflict(_("该申诉已处理。"))
    if not reason.strip():
        raise Refused(_("请填写处理意见。"))
    appeal.state = AppealState.UPHELD if upheld else AppealState.DISMISSED
    appeal.handling_reason = reason
    appeal.handled_at = timezone.now()
    appeal.version += 1
    appeal.save()


def publish(round_: AssessmentRound, today: date | None = None) -> list[UnitAssessment]:
    """After publicity, with every appeal handled: the ranking (recounted with any score
    changed on an upheld appeal) is final."""
    today = today or timezone.localdate()
    if round_.publicity_ends_on is None or today <= round_.publicity_ends_on:
        raise Refused(_("公示期至%(end)s结束，公示期满后方可公布结果。") % {"end": round_.publicity_ends_on})
    open_appeals = Appeal.objects.filter(assessment__round=round_, state=AppealState.OPEN).count()
    if open_appeals:
        raise Refused(_("尚有%(count)s件申诉未处理，处理完毕后方可公布结果。") % {"count": open_appeals})
    for assessment in round_.assessments.filter(appeals__state=AppealState.UPHELD).distinct():
        lines = list(assessment.scores.select_related("indicator"))
        check_bonus(assessment, "office_score")
        assessment.office_total = total_of(lines, "office_score", round_.scheme.bonus_cap)
        assessment.version += 1
        assessment.save()
    return rank_round(round_)


def previous_result(assessment: UnitAssessment) -> UnitAssessment | None:
    """The unit's published result of the year before, in a scheme of the same class."""
    return (
        UnitAssessment.objects.filter(
            organization=assessment.organization,
            department=assessment.department_id,
            round__scheme__unit_class=assessment.round.scheme.unit_class,
            round__scheme__year=assessment.round.scheme.year - 1,
            round__state=RoundState.PUBLISHED,
        )
        .select_related("round__scheme")
        .order_by("-round__id")
        .first()
    )


# --- demonstration sites --------------------------------------------------------------------


def check_quota(site: DemonstrationSite) -> None:
    """At most ``quota_max`` proposals per unit (with its branches' head) and year."""
    programme = site.programme
    used = (
        DemonstrationSite.objects.filter(programme=programme, year=site.year, organization=site.organization)
        .exclude(state=SiteState.REJECTED)
        .exclude(pk=site.pk)
        .count()
    )
    if used >= programme.quota_max:
        raise Refused(
            _("%(unit)s%(year)s年已申报示范点%(used)s个，每个单位每年申报%(quota_min)s—%(quota_max)s个，不能再申报。")
            % {
                "unit": site.organization.name,
                "year": site.year,
                "used": used,
                "quota_min": programme.quota_min,
                "quota_max": programme.quota_max,
            }
        )


def inspectable(programme: SiteProgramme):
    """Sites due for acceptance: being built, or (once) after rectification or a failure."""
    from django.db.models import Q

    return programme.sites.filter(
        Q(state=SiteState.BUILDING) | Q(state__in=[SiteState.RECTIFY, SiteState.FAILED], inspections__lt=2)
    )


def start_acceptance(acceptance: AcceptanceRound, user) -> Review:
    if acceptance.review_id:
        raise Conflict(_("本年度验收已组织专家评审。"))
    sites = list(inspectable(acceptance.programme).select_related("organization"))
    if not sites:
        raise Refused(_("没有待验收的示范点。"))
    with translation.override(settings.LANGUAGE_CODE):  # the stored title in Chinese, whoever starts it
        title = f"{acceptance}专家评审"  # i18n: stored (the review's title)
    review = Review(title=title, rubric=acceptance.rubric, organization=user.organization)
    review.full_clean()
    review.save()
    for order, site in enumerate(sites, start=1):
        item = ReviewItem.objects.create(review=review, label=site.name, organization=site.organization, order=order)
        site.review_item = item
        site.state = SiteState.INSPECTING
        site.version += 1
        site.save()
    acceptance.review = review
    return review


def site_outcome(acceptance: AcceptanceRound, score: Decimal, inspections: int) -> str:
    if score >= acceptance.pass_score:
        return SiteState.ACCEPTED
    if score >= acceptance.rectify_score and inspections < 2:
        return SiteState.RECTIFY
    return SiteState.FAILED


def conclude_acceptance(acceptance: AcceptanceRound) -> list[DemonstrationSite]:
    """Close the review and give each site its outcome: pass, rectify or fail."""
    review = acceptance.review
    if review is None or review.state == ReviewState.PREPARING:
        raise Refused(_("专家验收尚未开始（请先抽取专家并由监督人签字确认）。"))
    check_experts(review)
    if review.state == ReviewState.SCORING:
        evaluation.close_review(review)
    sites = list(DemonstrationSite.objects.filter(review_item__review=review).select_related("review_item"))
    with transaction.atomic():
        for site in sites:
            assert site.review_item is not None
            score = site.review_item.total_score or ZERO
            site.inspections += 1
            site.acceptance_score = score
            site.state = site_outcome(acceptance, score, site.inspections)
            if site.state == SiteState.ACCEPTED:
                site.accepted_year = acceptance.year
            site.version += 1
            site.save()
    return sites


def programme_progress(programme: SiteProgramme, user, on: date | None = None) -> Progress:
    """Accepted sites against the five-year target, with the targets' on-track mark."""
    on = on or timezone.localdate()
    figure = list_count("demonstration-sites", user, programme=programme.pk, state=SiteState.ACCEPTED)
    start, end = date(programme.start_year, 1, 1), date(programme.end_year, 12, 31)
    elapsed = (min(max(on, start), end) - start).days / (end - start).days
    return target_progress(figure.value or 0, programme.number, elapsed, figure.url)
