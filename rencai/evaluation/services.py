"""What the review engine does with the database: prepare, run, sign and verify draws,
seat reviewers, take score sheets, and aggregate them."""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rencai.core.errors import Conflict, Refused
from rencai.core.personal import mask_name
from rencai.evaluation import draw as drawing
from rencai.evaluation.models import (
    Declaration,
    DeclarationKind,
    Draw,
    DrawState,
    Review,
    Reviewer,
    ReviewerState,
    ReviewItem,
    ReviewState,
    Score,
    ScoreSheet,
    SheetState,
)
from rencai.evaluation.scoring import Parts, Ranked, outliers, rank, rounded, trimmed_mean, vote_share
from rencai.orgs.models import FINANCIAL_KINDS, Organization
from rencai.talents.models import CareerEntry, PoolMembership, Talent

# --- preparing a draw: candidates, recusal, the published list ------------------------


def draw_parameters(draw: Draw) -> dict:
    """The draw's conditions in the canonical form that enters the seed."""
    return {
        "review": draw.review_id,
        "pools": sorted(p.pk for p in draw.pools.all()),
        "specialty": draw.specialty,
        "pool_level": draw.pool_level,
        "wanted": draw.wanted,
        "backups": draw.backups,
        "recusal_years": draw.recusal_years,
        "recusal_level": draw.review.recusal_level,
    }


def describe_parameters(parameters: dict) -> str:
    """A draw's conditions as a sentence: 评审“…”；从“济南市金融专家智库”抽取5人、备选2人；…"""
    from django.utils.translation import gettext as _

    from rencai.evaluation.models import RECUSAL_LEVELS, Review
    from rencai.talents.models import PoolLevel, TalentPool

    if not parameters:
        return ""
    parts = []
    review = Review.objects.filter(pk=parameters["review"]).first() if parameters.get("review") else None
    if review is not None:
        parts.append(_("评审“%(review)s”") % {"review": review})
    pools = "、".join(f"“{p}”" for p in TalentPool.objects.filter(pk__in=parameters.get("pools") or []))
    parts.append(
        _("从%(pools)s抽取%(wanted)s人、备选%(backups)s人")
        % {"pools": pools or _("全部专家库"), "wanted": parameters.get("wanted"), "backups": parameters.get("backups")}
    )
    if parameters.get("specialty"):
        parts.append(_("专业领域包含“%(specialty)s”") % {"specialty": parameters["specialty"]})
    if parameters.get("pool_level"):
        level = dict(PoolLevel.choices).get(parameters["pool_level"], parameters["pool_level"])
        parts.append(_("专家级别为%(level)s") % {"level": level})
    if parameters.get("recusal_years") is not None:
        parts.append(_("回避年限%(years)s年") % {"years": parameters["recusal_years"]})
    if parameters.get("recusal_level") is not None:
        level = dict(RECUSAL_LEVELS).get(parameters["recusal_level"], parameters["recusal_level"])
        parts.append(_("机构回避层级：%(level)s") % {"level": level})
    return "；".join(str(p) for p in parts) + "。"


def head_rooted(paths: set[str]) -> dict[str, str]:
    """Each organisation path cut so that it starts at the top financial institution of its
    tree (the head institution); a tree without one keeps its whole path."""
    pks = {int(s) for p in paths for s in p.split("/") if s}
    financial = set(Organization.objects.filter(pk__in=pks, kind__in=FINANCIAL_KINDS).values_list("pk", flat=True))
    rooted = {}
    for path in paths:
        segments = [s for s in path.split("/") if s]
        start = next((i for i, s in enumerate(segments) if int(s) in financial), 0)
        rooted[path] = "".join(f"{s}/" for s in segments[start:])
    return rooted


def rooted_facts(
    candidates: list[drawing.Candidate], applicants: list[drawing.Applicant]
) -> tuple[list[drawing.Candidate], list[drawing.Applicant]]:
    """The facts with every path starting at its head institution, as recusal compares them."""
    paths = {a.organization_path for a in applicants}
    for c in candidates:
        paths |= {c.organization_path, *c.conflict_organization_paths, *(p for p, _ in c.past_posts)}
    paths.discard("")
    rooted = {"": "", **head_rooted(paths)}
    return (
        [
            replace(
                c,
                organization_path=rooted[c.organization_path],
                past_posts=tuple((rooted[p], ended) for p, ended in c.past_posts),
                conflict_organization_paths=tuple(rooted[p] for p in c.conflict_organization_paths),
            )
            for c in candidates
        ],
        [replace(a, organization_path=rooted[a.organization_path]) for a in applicants],
    )


def pool_candidates(draw: Draw, on: date) -> list[Talent]:
    memberships = PoolMembership.objects.active(on).filter(pool__in=draw.pools.all(), talent__is_active=True)
    if draw.specialty:
        memberships = memberships.filter(specialty__icontains=draw.specialty)
    if draw.pool_level:
        memberships = memberships.filter(pool__level=draw.pool_level)
    ids = set(memberships.values_list("talent_id", flat=True))
    return list(Talent.objects.filter(pk__in=ids).select_related("organization").order_by("pk"))


def candidate_facts(talents: list[Talent], review: Review) -> list[drawing.Candidate]:
    ids = [t.pk for t in talents]
    posts: dict[int, list] = {}
    for entry in CareerEntry.objects.filter(talent_id__in=ids, organization__isnull=False).select_related(
        "organization"
    ):
        posts.setdefault(entry.talent_id, []).append((entry.organization.path, entry.end))
    relations: dict[int, set] = {}
    conflicts: dict[int, list] = {}
    declared: set[int] = set()
    for d in Declaration.objects.filter(expert_id__in=ids).select_related("related_organization"):
        if d.related_talent_id:
            relations.setdefault(d.expert_id, set()).add(d.related_talent_id)
        if d.related_organization_id:
            conflicts.setdefault(d.expert_id, []).append(d.related_organization.path)
        if d.review_id == review.pk and d.kind == DeclarationKind.CONFLICT:
            declared.add(d.expert_id)
    return [
        drawing.Candidate(
            id=t.pk,
            name=t.name,
            organization_path=t.organization.path,
            past_posts=tuple(posts.get(t.pk, ())),
            related_talent_ids=frozenset(relations.get(t.pk, ())),
            conflict_organization_paths=tuple(conflicts.get(t.pk, ())),
            declared_conflict=t.pk in declared,
        )
        for t in talents
    ]


def applicant_facts(review: Review) -> list[drawing.Applicant]:
    """The items under review, and every other applicant or nominee of the same selection
    (returned, refused or withdrawn included): they recuse as persons, not by institution."""
    items = [
        drawing.Applicant(
            organization_path=item.organization.path,
            organization_name=item.organization.name,
            talent_id=item.talent_id,
            label=mask_name(item.talent.name) if item.talent_id else item.label,
        )
        for item in review.items.select_related("organization", "talent")
    ]
    seen = {a.talent_id for a in items}
    others = [
        drawing.Applicant(organization_path="", organization_name="", talent_id=t.pk, label=mask_name(t.name))
        for t in review.participants.order_by("pk")
        if t.pk not in seen
    ]
    return items + others


def public_entry(talent: Talent) -> dict:
    return {"id": talent.pk, "name": mask_name(talent.name), "organization": talent.organization.name}


def prepare_draw(draw: Draw, today: date | None = None) -> None:
    """Apply recusal and publish the eligible list and the parameters; the draw itself waits
    for the supervisor's number."""
    today = today or timezone.localdate()
    review = draw.review
    if not review.items.exists():
        raise Refused("该评审还没有评审对象，不能抽取专家。")
    talents = {t.pk: t for t in pool_candidates(draw, today)}
    candidates, applicants = rooted_facts(candidate_facts(list(talents.values()), review), applicant_facts(review))
    eligible, removed = drawing.split_candidates(
        candidates, applicants, today, draw.recusal_years, review.recusal_level
    )
    draw.parameters = draw_parameters(draw)
    draw.candidates = [public_entry(talents[c.id]) for c in eligible]
    draw.removed = [{**public_entry(talents[c.id]), "reasons": reasons} for c, reasons in removed]
    needed = draw.wanted + draw.backups
    if len(eligible) < needed:
        raise Refused(
            f"回避后符合条件的专家只有{len(eligible)}人，少于抽取人数与备选人数之和（{needed}人），请放宽抽取条件。"
        )
    draw.state = DrawState.PREPARED
    draw.version += 1
    draw.save()


def execute_draw(draw: Draw, supervisor, number: str) -> list[Reviewer]:
    """Draw with the supervisor's number and seat the experts (backups on standby)."""
    if draw.state != DrawState.PREPARED:
        raise Conflict("该抽取已进行，不能重复抽取。")
    if supervisor.pk == draw.prepared_by_id:
        raise Refused("监督人不能是抽取经办人本人。")
    number = (number or "").strip()
    if not number.isdigit() or not 4 <= len(number) <= 30:
        raise Refused("请输入4至30位数字作为随机数。")
    ids = [c["id"] for c in draw.candidates]
    seed, chosen = drawing.run_draw(ids, draw.parameters, number, draw.wanted + draw.backups)
    draw.supervisor = supervisor
    draw.supervisor_number = number
    draw.seed = seed
    draw.drawn = chosen
    draw.drawn_at = timezone.now()
    draw.state = DrawState.DRAWN
    draw.version += 1
    draw.save()
    experts = Talent.objects.in_bulk(chosen)
    seats = []
    for position, talent_id in enumerate(chosen, start=1):
        talent = experts[talent_id]
        seat = Reviewer(
            review=draw.review,
            draw=draw,
            talent=talent,
            user=talent.user,
            position=position,
            state=ReviewerState.ACTIVE if position <= draw.wanted else ReviewerState.STANDBY,
        )
        seat.save()
        seats.append(seat)
    return seats


def sign_draw(draw: Draw, user) -> None:
    """The supervisor confirms the draw; scoring can start."""
    if draw.state != DrawState.DRAWN:
        raise Refused("只有已抽取的结果才能签字确认。")
    if user.pk != draw.supervisor_id:
        raise Refused("只有输入随机数的监督人本人才能签字确认。")
    draw.state = DrawState.SIGNED
    draw.signed_at = timezone.now()
    draw.version += 1
    draw.save()
    start_scoring(draw.review)


def start_scoring(review: Review) -> None:
    if review.state != ReviewState.PREPARING:
        return
    review.state = ReviewState.SCORING
    review.version += 1
    review.save()
    for reviewer in review.reviewers.filter(state=ReviewerState.ACTIVE):
        open_sheets(reviewer)


def open_sheets(reviewer: Reviewer) -> None:
    existing = set(reviewer.sheets.values_list("item_id", flat=True))
    for item in reviewer.review.items.exclude(pk__in=existing):
        ScoreSheet.objects.create(item=item, reviewer=reviewer)


def decline(reviewer: Reviewer, reason: str) -> Reviewer | None:
    """An expert declines; the next backup in draw order takes the seat and the unsubmitted
    sheets. Returns the backup, or None when no backup is left."""
    if reviewer.state != ReviewerState.ACTIVE:
        raise Refused("该专家不在评审席位上。")
    if reviewer.sheets.filter(state=SheetState.SUBMITTED).exists():
        raise Conflict("该专家已提交评分，不能再谢绝。")
    reviewer.state = ReviewerState.DECLINED
    reviewer.declined_reason = reason
    reviewer.version += 1
    reviewer.save()
    backup = reviewer.review.reviewers.filter(state=ReviewerState.STANDBY).order_by("position").first()
    reviewer.sheets.all().delete()
    if backup is None:
        return None
    backup.state = ReviewerState.ACTIVE
    backup.replaces = reviewer
    backup.version += 1
    backup.save()
    if reviewer.review.state == ReviewState.SCORING:
        open_sheets(backup)
    return backup


# --- verification -----------------------------------------------------------------------


@dataclass
class Check:
    label: str
    expected: str
    recomputed: str

    @property
    def ok(self) -> bool:
        return self.expected == self.recomputed


def published_record(draw: Draw) -> dict:
    """Everything needed to recompute the draw, as published."""
    return {
        "draw": draw.pk,
        "review": str(draw.review),
        "parameters": draw.parameters,
        "candidates": draw.candidates,
        "removed": draw.removed,
        "number": draw.supervisor_number,
        "seed": draw.seed,
        "drawn": draw.drawn,
        "wanted": draw.wanted,
        "backups": draw.backups,
    }


def verify_record(record: dict) -> list[Check]:
    """Recompute seed and order from a published record."""
    ids = [c["id"] for c in record["candidates"]]
    seed, chosen = drawing.run_draw(ids, record["parameters"], record["number"], record["wanted"] + record["backups"])
    return [
        Check("随机种子", record["seed"], seed),
        Check("抽取结果及顺序", ",".join(map(str, record["drawn"])), ",".join(map(str, chosen))),
        Check("抽取条件与人数一致", str(record["wanted"] + record["backups"]), str(len(record["drawn"]))),
    ]


def verify_draw(draw: Draw) -> list[Check]:
    """Recompute the draw, and check that the published list and the seated experts are
    what the database says."""
    if draw.state == DrawState.PREPARED:
        raise Refused("该抽取尚未进行。")
    checks = verify_record(published_record(draw))
    expected = draw_parameters(draw)
    if "recusal_level" not in draw.parameters:  # drawn before the level was configurable
        expected.pop("recusal_level")
    checks.append(Check("抽取条件", drawing.canonical_json(draw.parameters), drawing.canonical_json(expected)))
    seated = list(draw.reviewers.order_by("position").values_list("talent_id", flat=True))
    checks.append(Check("在册专家与抽取结果一致", ",".join(map(str, draw.drawn)), ",".join(map(str, seated))))
    return checks


# --- scoring -----------------------------------------------------------------------------


def submit_sheet(
    sheet: ScoreSheet, values: dict[int, Decimal], comments: dict[int, str], comment: str, final: bool
) -> None:
    """Save a reviewer's scores (criterion id → value); ``final`` submits and locks them."""
    if sheet.state == SheetState.SUBMITTED:
        raise Conflict("评分已提交，不能修改。")
    if sheet.item.review.state != ReviewState.SCORING:
        raise Refused("该评审当前不在评分阶段。")
    criteria = list(sheet.item.review.rubric.criteria.all())
    errors = []
    for criterion in criteria:
        value = values.get(criterion.pk)
        if value is None:
            if final:
                errors.append(f"请填写“{criterion.name}”的得分。")
            continue
        if value < 0 or value > criterion.max_score:
            errors.append(f"“{criterion.name}”的得分须在0至{criterion.max_score}分之间，填写的是{value}分。")
    if errors:
        raise Refused(" ".join(errors))
    with transaction.atomic():
        for criterion in criteria:
            value = values.get(criterion.pk)
            if value is None:
                Score.objects.filter(sheet=sheet, criterion=criterion).delete()
                continue
            score, _ = Score.objects.get_or_create(
                sheet=sheet, criterion=criterion, defaults={"value": value, "comment": comments.get(criterion.pk, "")}
            )
            if score.value != value or score.comment != comments.get(criterion.pk, ""):
                score.value = value
                score.comment = comments.get(criterion.pk, "")
                score.version += 1
                score.save()
        sheet.comment = comment
        sheet.total = rounded(sum((values[c.pk] for c in criteria if values.get(c.pk) is not None), Decimal(0)))
        if final:
            sheet.state = SheetState.SUBMITTED
            sheet.submitted_at = timezone.now()
        sheet.version += 1
        sheet.save()


def save_scores(
    sheet: ScoreSheet, values: dict[int, Decimal], comments: dict[int, str], comment: str, final: bool
) -> None:
    """:func:`submit_sheet` on a locked copy of the sheet, so that two saves of one sheet
    (two tabs of one reviewer) are taken one after the other."""
    with transaction.atomic():
        locked = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
        submit_sheet(locked, values, comments, comment, final)


def weighted_expert_score(sheet_scores: dict[int, Decimal], criteria) -> Decimal:
    """A sheet's score on the rubric's full marks, each criterion weighted."""
    weight_total = sum((c.weight * c.max_score for c in criteria), Decimal(0))
    full = sum((c.max_score for c in criteria), Decimal(0))
    if weight_total == 0:
        return Decimal(0)
    weighted = sum((c.weight * sheet_scores.get(c.pk, Decimal(0)) for c in criteria), Decimal(0))
    return weighted * full / weight_total


@dataclass
class ItemResult:
    item: ReviewItem
    sheets: list[ScoreSheet]
    expert: Decimal | None
    total: Decimal | None
    rank: int | None
    criteria_means: list[Decimal]
    outlier_sheets: list[ScoreSheet]
    tie_note: str = ""


def results(review: Review) -> list[ItemResult]:
    """Live ranking of a review's items from the submitted sheets (outliers flagged)."""
    criteria = list(review.rubric.criteria.all())
    full = sum((c.max_score for c in criteria), Decimal(0)) or Decimal(1)
    threshold = full * review.outlier_percent / 100
    parts = Parts(review.expert_weight, review.qualification_weight, review.vote_weight)
    items = list(review.items.select_related("organization", "talent"))
    sheets: dict[int, list[ScoreSheet]] = {}
    for sheet in (
        ScoreSheet.objects.filter(item__review=review, state=SheetState.SUBMITTED)
        .select_related("reviewer__talent")
        .prefetch_related("scores")
        .order_by("reviewer__position")
    ):
        sheets.setdefault(sheet.item_id, []).append(sheet)
    most_votes = max((i.votes for i in items), default=0)
    ranked, by_key = [], {}
    for item in items:
        item_sheets = sheets.get(item.pk, [])
        per_sheet = [{s.criterion_id: s.value for s in sheet.scores.all()} for sheet in item_sheets]
        expert_values = [weighted_expert_score(values, criteria) for values in per_sheet]
        expert = trimmed_mean(expert_values, review.trim_min_reviewers)
        expert_100 = expert * 100 / full if expert is not None else None
        total = parts.combine(expert_100, item.qualification_score, vote_share(item.votes, most_votes))
        criteria_means = [
            rounded(trimmed_mean([v.get(c.pk, Decimal(0)) for v in per_sheet], review.trim_min_reviewers) or Decimal(0))
            for c in criteria
        ]
        flags = outliers([s.total or Decimal(0) for s in item_sheets], threshold)
        entry = Ranked(
            key=item.pk,
            total=total,
            expert=rounded(expert) if expert is not None else None,
            votes=item.votes,
            criteria=tuple(criteria_means),
            order=item.order or item.pk,
        )
        ranked.append(entry)
        by_key[item.pk] = ItemResult(
            item=item,
            sheets=item_sheets,
            expert=entry.expert,
            total=total,
            rank=None,
            criteria_means=criteria_means,
            outlier_sheets=[s for s, flag in zip(item_sheets, flags, strict=True) if flag],
        )
    ordered = []
    for entry in rank(ranked, review.tie_break):
        result = by_key[entry.key]
        result.rank = entry.rank
        result.tie_note = entry.tie_note
        ordered.append(result)
    return ordered


def scoring_progress(review: Review) -> tuple[int, int]:
    """(submitted sheets, sheets of active reviewers)."""
    sheets = ScoreSheet.objects.filter(item__review=review, reviewer__state=ReviewerState.ACTIVE)
    return sheets.filter(state=SheetState.SUBMITTED).count(), sheets.count()


def close_review(review: Review) -> list[ItemResult]:
    """Freeze the results on the items once every active reviewer has submitted."""
    if review.state != ReviewState.SCORING:
        raise Refused("该评审不在评分阶段。")
    done, total = scoring_progress(review)
    if total == 0 or done < total:
        raise Refused(f"尚有{total - done}份评分表未提交，不能结束评审。")
    ordered = store_results(review)
    review.state = ReviewState.CLOSED
    review.closed_at = timezone.now()
    review.version += 1
    review.save()
    return ordered


def store_results(review: Review) -> list[ItemResult]:
    ordered = results(review)
    threshold_flags = {s.pk for r in ordered for s in r.outlier_sheets}
    for sheet in ScoreSheet.objects.filter(item__review=review).filter(Q(pk__in=threshold_flags) | Q(is_outlier=True)):
        flag = sheet.pk in threshold_flags
        if sheet.is_outlier != flag:
            sheet.is_outlier = flag
            sheet.version += 1
            sheet.save()
    for result in ordered:
        item = result.item
        if (item.expert_score, item.total_score, item.rank) != (result.expert, result.total, result.rank):
            item.expert_score, item.total_score, item.rank = result.expert, result.total, result.rank
            item.version += 1
            item.save()
    return ordered
