"""The expert draw (随机抽取专家) as pure functions, so that anyone can re-run it.

Recusal (回避) is decided before the draw from facts gathered from the database; the draw
itself is a deterministic function of its published record:

* ``seed = SHA-256(canonical JSON of {candidates, parameters, number})``, where
  ``candidates`` is the sorted list of eligible candidate ids published before the draw,
  ``parameters`` the draw's conditions, and ``number`` the figure the supervising officer
  typed at the moment of the draw (unknown to whoever prepared the list);
* each candidate's lot is ``SHA-256(seed + ":" + id)`` as hex; candidates are ordered by
  their lot, and the first ``wanted`` are the experts, the next ``backups`` the backups.

Nothing here depends on Python's ``random``: the same figures come out of any SHA-256 tool.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Candidate:
    """What recusal needs to know about one expert."""

    id: int
    name: str
    organization_path: str
    #: (organisation path, end date or None while still there) of earlier posts.
    past_posts: tuple[tuple[str, date | None], ...] = ()
    #: Applicants (talent ids) the expert declared a relation to (亲属、师生 …).
    related_talent_ids: frozenset[int] = field(default_factory=frozenset)
    #: Organisations the expert declared a conflict of interest with.
    conflict_organization_paths: tuple[str, ...] = ()
    #: The expert declared a conflict with this review as a whole.
    declared_conflict: bool = False


@dataclass(frozen=True)
class Applicant:
    """One item under review: who applied, from which institution."""

    organization_path: str
    organization_name: str
    talent_id: int | None = None
    label: str = ""


#: Recusal compares units at their head institution (总部) by default.
HEAD_LEVEL = 1


def institution_path(path: str, level: int = HEAD_LEVEL) -> str:
    """The unit ``level`` steps down its tree that ``path`` belongs to: 1 is the head
    institution itself, 2 the level below it (分行), …; 0 keeps the unit itself.

    Paths here start at the head institution (the top financial institution of the tree):
    the database side strips any non-financial unit above it before recusal."""
    if level <= 0:
        return path
    segments = [s for s in path.split("/") if s]
    return "".join(f"{s}/" for s in segments[:level])


def same_institution(path_a: str, path_b: str, level: int = 0) -> bool:
    """Two units belong to one institution when, cut to ``level`` of their trees, one is
    the other or one of its branches (level 1: the same head institution, so sibling
    branches are one institution)."""
    a, b = institution_path(path_a, level), institution_path(path_b, level)
    if not a or not b:
        return False
    return a.startswith(b) or b.startswith(a)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def recusal_reasons(
    candidate: Candidate, applicants: Iterable[Applicant], today: date, years: int, level: int = HEAD_LEVEL
) -> list[str]:
    """Every reason (in Chinese) why ``candidate`` may not review these applicants;
    institutions are compared at ``level`` of their trees (1: the head institution)."""
    reasons: list[str] = []
    since = years_before(today, years)
    for applicant in applicants:
        name = applicant.organization_name
        if same_institution(candidate.organization_path, applicant.organization_path, level):
            reasons.append(f"现工作单位与申报单位“{name}”为同一机构")
        elif any(
            same_institution(path, applicant.organization_path, level) and (ended is None or ended >= since)
            for path, ended in candidate.past_posts
        ):
            reasons.append(f"近{years}年内曾在申报单位“{name}”工作")
        if applicant.talent_id is not None and applicant.talent_id in candidate.related_talent_ids:
            reasons.append(f"申报有亲属或利害关系人（{applicant.label}）")
        if applicant.talent_id is not None and applicant.talent_id == candidate.id:
            reasons.append("本人为本次评选的申报人")
        if any(
            same_institution(path, applicant.organization_path, level) for path in candidate.conflict_organization_paths
        ):
            reasons.append(f"申报与“{name}”存在利益冲突")
    if candidate.declared_conflict:
        reasons.append("本人申报回避本次评审")
    return list(dict.fromkeys(reasons))


def split_candidates(
    candidates: Iterable[Candidate],
    applicants: Iterable[Applicant],
    today: date,
    years: int,
    level: int = HEAD_LEVEL,
) -> tuple[list[Candidate], list[tuple[Candidate, list[str]]]]:
    """(eligible, removed with reasons), each in id order."""
    applicants = list(applicants)
    eligible, removed = [], []
    for candidate in sorted(candidates, key=lambda c: c.id):
        reasons = recusal_reasons(candidate, applicants, today, years, level)
        if reasons:
            removed.append((candidate, reasons))
        else:
            eligible.append(candidate)
    return eligible, removed


def canonical_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def draw_seed(candidate_ids: Iterable[int], parameters: dict, number: str) -> str:
    record = {"candidates": sorted(candidate_ids), "parameters": parameters, "number": number}
    return hashlib.sha256(canonical_json(record).encode()).hexdigest()


def lot(seed: str, candidate_id: int) -> str:
    return hashlib.sha256(f"{seed}:{candidate_id}".encode()).hexdigest()


def draw_order(seed: str, candidate_ids: Iterable[int]) -> list[int]:
    """All candidates in the order the draw takes them."""
    return sorted(candidate_ids, key=lambda cid: (lot(seed, cid), cid))


def run_draw(candidate_ids: Iterable[int], parameters: dict, number: str, count: int) -> tuple[str, list[int]]:
    """(seed, the first ``count`` candidates in draw order)."""
    ids = sorted(candidate_ids)
    seed = draw_seed(ids, parameters, number)
    return seed, draw_order(seed, ids)[:count]
