"""The draw as pure functions: recusal never lets a conflicted expert through, and the
draw is reproducible from its record and changes when any input changes."""

import hashlib
import json
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from rencai.evaluation.draw import (
    Applicant,
    Candidate,
    draw_order,
    draw_seed,
    recusal_reasons,
    run_draw,
    same_institution,
    split_candidates,
)

TODAY = date(2026, 11, 23)
PARAMETERS = {"pools": [1], "wanted": 3, "backups": 2}

# Institutions are paths: "000001/" is a bank, "000001/000002/" and "000001/000007/" two
# sibling branches of it, "000001/000002/000008/" a sub-branch.
paths = st.sampled_from(
    [
        "000001/",
        "000001/000002/",
        "000001/000007/",
        "000001/000002/000008/",
        "000001/000007/000009/",
        "000003/",
        "000003/000004/",
        "000005/",
        "000006/",
    ]
)
levels = st.sampled_from([0, 1, 2, 3])
past_posts = st.lists(
    st.tuples(paths, st.one_of(st.none(), st.dates(min_value=date(2015, 1, 1), max_value=TODAY))), max_size=2
)


@st.composite
def scenarios(draw):
    applicants = draw(
        st.lists(
            st.builds(
                Applicant,
                # "" is an applicant or nominee of the campaign outside the review (refused,
                # returned, withdrawn): recused as a person, not by institution
                organization_path=st.one_of(paths, st.just("")),
                organization_name=st.just("申报单位"),
                talent_id=st.one_of(st.none(), st.integers(1, 40)),
                label=st.just("申报人"),
            ),
            min_size=1,
            max_size=6,
        )
    )
    ids = draw(st.lists(st.integers(1, 60), min_size=1, max_size=25, unique=True))
    candidates = [
        Candidate(
            id=cid,
            name=f"专家{cid}",
            organization_path=draw(paths),
            past_posts=tuple(draw(past_posts)),
            related_talent_ids=frozenset(draw(st.lists(st.integers(1, 40), max_size=2))),
            conflict_organization_paths=tuple(draw(st.lists(paths, max_size=1))),
            declared_conflict=draw(st.booleans()),
        )
        for cid in ids
    ]
    years = draw(st.integers(0, 5))
    return candidates, applicants, years, draw(levels)


def one_institution(here: str, there: str, level: int) -> bool:
    """Two units are one institution when their trees agree down to ``level`` (0: as far as
    the shorter one goes, i.e. one is the other or its branch; 1: the same head institution,
    so sibling branches are one institution)."""
    a, b = here.split("/")[:-1], there.split("/")[:-1]
    if not a or not b:
        return False
    depth = min(len(a), len(b)) if level == 0 else min(level, len(a), len(b))
    return a[:depth] == b[:depth]


def conflicted(candidate: Candidate, applicants: list[Applicant], years: int, level: int) -> bool:
    """An independent statement of the recusal rules, to check the implementation against."""
    since = date(TODAY.year - years, TODAY.month, TODAY.day)
    for a in applicants:
        there = a.organization_path
        if one_institution(candidate.organization_path, there, level):
            return True
        for path, ended in candidate.past_posts:
            if one_institution(path, there, level) and (ended is None or ended >= since):
                return True
        if a.talent_id is not None and (a.talent_id in candidate.related_talent_ids or a.talent_id == candidate.id):
            return True
        for path in candidate.conflict_organization_paths:
            if one_institution(path, there, level):
                return True
    return candidate.declared_conflict


@settings(max_examples=300, deadline=None)
@given(scenarios(), st.text(alphabet="0123456789", min_size=4, max_size=12))
def test_no_recused_expert_is_ever_drawn(scenario, number):
    candidates, applicants, years, level = scenario
    eligible, removed = split_candidates(candidates, applicants, TODAY, years, level)
    assert {c.id for c in eligible} | {c.id for c, _ in removed} == {c.id for c in candidates}
    for candidate, reasons in removed:
        assert reasons, "every removal carries a reason"
        assert conflicted(candidate, applicants, years, level)
    for candidate in eligible:
        assert not conflicted(candidate, applicants, years, level), "nobody conflicted stays eligible"
    _, chosen = run_draw([c.id for c in eligible], PARAMETERS, number, len(eligible))
    by_id = {c.id: c for c in candidates}
    assert not any(conflicted(by_id[cid], applicants, years, level) for cid in chosen)


def test_sibling_branches_are_one_head_institution():
    applicants = [Applicant("000001/000002/", "甲银行市中支行")]
    sibling = Candidate(1, "甲", "000001/000007/")
    assert recusal_reasons(sibling, applicants, TODAY, 3) == ["现工作单位与申报单位“甲银行市中支行”为同一机构"]
    assert recusal_reasons(sibling, applicants, TODAY, 3, level=2) == []
    assert recusal_reasons(sibling, applicants, TODAY, 3, level=0) == []
    stranger = Candidate(2, "乙", "000003/000004/")
    assert recusal_reasons(stranger, applicants, TODAY, 3) == []


def test_each_recusal_rule_names_its_reason():
    applicants = [Applicant("000001/", "甲银行", talent_id=7, label="王*")]
    cases = {
        "现工作单位": Candidate(1, "甲", "000001/000002/"),
        "近3年内曾在": Candidate(2, "乙", "000009/", past_posts=(("000001/", date(2025, 1, 1)),)),
        "亲属或利害关系人": Candidate(3, "丙", "000009/", related_talent_ids=frozenset({7})),
        "本人为本次评选的申报人": Candidate(7, "丁", "000009/"),
        "利益冲突": Candidate(4, "戊", "000009/", conflict_organization_paths=("000001/",)),
        "本人申报回避": Candidate(5, "己", "000009/", declared_conflict=True),
    }
    for expected, candidate in cases.items():
        reasons = recusal_reasons(candidate, applicants, TODAY, 3)
        assert any(expected in r for r in reasons), (expected, reasons)


def test_an_old_post_beyond_the_recusal_years_does_not_recuse():
    applicants = [Applicant("000001/", "甲银行")]
    old = Candidate(1, "甲", "000009/", past_posts=(("000001/", date(2020, 6, 30)),))
    assert recusal_reasons(old, applicants, TODAY, 3) == []
    assert recusal_reasons(old, applicants, TODAY, 7) == ["近7年内曾在申报单位“甲银行”工作"]


def test_institutions_are_trees_not_names():
    assert same_institution("000001/", "000001/000002/")
    assert same_institution("000001/000002/", "000001/")
    assert not same_institution("000001/", "000010/")
    assert not same_institution("", "000001/")
    assert not same_institution("000001/000002/", "000001/000007/")
    assert same_institution("000001/000002/", "000001/000007/", level=1)
    assert not same_institution("000001/000002/000008/", "000001/000007/", level=2)


def test_the_seed_is_sha256_of_the_published_record():
    ids, number = [5, 3, 9], "20261123"
    record = {"candidates": [3, 5, 9], "number": number, "parameters": PARAMETERS}
    text = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert draw_seed(ids, PARAMETERS, number) == hashlib.sha256(text.encode()).hexdigest()


def test_the_order_is_by_each_candidates_lot():
    seed = "ab" * 32
    lots = {cid: hashlib.sha256(f"{seed}:{cid}".encode()).hexdigest() for cid in (1, 2, 3, 4)}
    assert draw_order(seed, [1, 2, 3, 4]) == sorted(lots, key=lots.get)


def test_the_draw_is_reproducible_and_changes_with_every_input():
    ids = list(range(1, 31))
    seed, chosen = run_draw(ids, PARAMETERS, "739215", 5)
    assert run_draw(list(reversed(ids)), PARAMETERS, "739215", 5) == (seed, chosen)
    variants = [
        run_draw(ids, PARAMETERS, "739216", 5),
        run_draw(ids[:-1], PARAMETERS, "739215", 5),
        run_draw(ids, {**PARAMETERS, "wanted": 4}, "739215", 5),
    ]
    for other_seed, _ in variants:
        assert other_seed != seed
    assert any(other != chosen for _, other in variants)
