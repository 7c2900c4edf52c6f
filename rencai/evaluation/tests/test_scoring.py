"""Aggregation on cases worked out by hand."""

from decimal import Decimal as D

from rencai.evaluation.scoring import Parts, Ranked, mean, outliers, rank, trimmed_mean, vote_share


def test_trimmed_mean_drops_one_highest_and_one_lowest_from_five_reviewers():
    assert trimmed_mean([D(90), D(80), D(85), D(60), D(95)]) == D(85)  # (90+80+85)/3


def test_trimmed_mean_with_fewer_reviewers_is_the_plain_mean():
    assert trimmed_mean([D(90), D(80), D(60), D(95)]) == D("81.25")
    assert trimmed_mean([D(90), D(80), D(60), D(95)], minimum_for_trim=4) == D(85)


def test_trimmed_mean_drops_only_one_of_equal_extremes():
    assert trimmed_mean([D(70), D(70), D(80), D(90), D(90)]) == D("80")  # (70+80+90)/3


def test_mean_of_nothing_is_none():
    assert mean([]) is None
    assert trimmed_mean([]) is None


def test_outliers_need_three_scores_and_a_distance_over_the_threshold():
    assert outliers([D(90), D(40)], D(10)) == [False, False]
    # 40 lies 48.33 from the others' mean (88.33); 90 lies 18.33 from theirs (71.67)
    flags = outliers([D(90), D(88), D(87), D(40)], D(20))
    assert flags == [False, False, False, True]
    assert outliers([D(90), D(88), D(87), D(80)], D(20)) == [False, False, False, False]


def test_parts_are_combined_by_weight():
    parts = Parts(expert=D(70), qualification=D(10), vote=D(20))
    assert parts.combine(D(80), D(90), D(50)) == D("75.00")  # 56 + 9 + 10
    assert Parts().combine(D("83.333"), None, None) == D("83.33")
    assert parts.combine(D(80), None, D(50)) is None


def test_vote_share_puts_the_most_voted_at_one_hundred():
    assert vote_share(30, 60) == D(50)
    assert vote_share(0, 0) == D(0)


def test_ranking_breaks_ties_by_the_declared_rule():
    items = [
        Ranked(key=1, total=D(80), expert=D(80), criteria=(D(30), D(50)), order=1),
        Ranked(key=2, total=D(80), expert=D(80), criteria=(D(35), D(45)), order=2),
        Ranked(key=3, total=D(90), expert=D(85), order=3),
        Ranked(key=4, total=None, order=4),
    ]
    ordered = rank(items, "expert_criteria_order")
    assert [i.key for i in ordered] == [3, 2, 1, 4]
    assert [i.rank for i in ordered] == [1, 2, 3, None]
    assert ordered[1].tie_note and ordered[2].tie_note and not ordered[0].tie_note


def test_ranking_by_votes_then_expert():
    items = [
        Ranked(key=1, total=D(80), expert=D(85), votes=10, order=1),
        Ranked(key=2, total=D(80), expert=D(70), votes=30, order=2),
    ]
    assert [i.key for i in rank(items, "votes_expert_order")] == [2, 1]
    assert [i.key for i in rank(items, "expert_criteria_order")] == [1, 2]


def test_equal_everything_falls_back_to_application_order():
    items = [Ranked(key=9, total=D(70), expert=D(70), order=2), Ranked(key=8, total=D(70), expert=D(70), order=1)]
    assert [i.key for i in rank(items)] == [8, 9]
