"""A figure counts its list through a filterset narrowed to the filters it sets."""

from types import SimpleNamespace

import django_filters
import pytest
from django.http import QueryDict

from rencai.core.figures import _narrowed, list_queryset
from rencai.core.objects import registered
from rencai.core.roles import role_of


def _value_for(name: str, found) -> str:
    """A value the filter ``found`` can take."""
    if isinstance(found, django_filters.BooleanFilter):
        return "true"
    if isinstance(found, django_filters.ChoiceFilter):
        choices = [key for key, _label in found.extra.get("choices", []) if key not in ("", None)]
        return str(choices[0]) if choices else "x"
    if isinstance(found, django_filters.ModelChoiceFilter):
        return "1"
    if isinstance(found, django_filters.NumberFilter):
        return "2026"
    if isinstance(found, django_filters.DateFilter):
        return "2026-01-01"
    return "甲"


def _filtered(filterset_class, data: QueryDict, queryset, user):
    filterset = filterset_class(data, queryset=queryset, request=SimpleNamespace(user=user, GET=data))
    return (True, str(filterset.qs.query)) if filterset.is_valid() else (False, sorted(filterset.errors))


@pytest.mark.parametrize("role", ["office", "liaison"])
def test_every_filter_of_every_list_selects_the_same_rows_narrowed(users, role):
    """For each list and each of its filters set alone, the narrowed filterset gives the
    same SQL as the list page's (or the same form errors)."""
    user = users[role]
    checked = 0
    for slug, config in registered().items():
        if config.filterset_class is None or not config.can_view(user):
            continue
        for name, found in config.filterset_class.base_filters.items():
            data = QueryDict(mutable=True)
            data[name] = _value_for(name, found)
            queryset = config.visible(user)
            full = _filtered(config.filterset_class, data, queryset, user)
            narrowed = _filtered(_narrowed(config.filterset_class, frozenset(data)), data, queryset, user)
            assert narrowed == full, (slug, name)
            checked += 1
    assert checked > 100, f"{role_of(user)}: only {checked} filters checked"


def test_a_figure_filterset_holds_only_its_filters(users, dicts):
    talents = registered()["talents"].filterset_class
    narrowed = _narrowed(talents, frozenset({"is_active", "tier"}))
    assert set(narrowed.base_filters) == {"is_active", "tier"} and len(talents.base_filters) > 2
    assert _narrowed(talents, frozenset({"tier", "is_active"})) is narrowed  # built once
    tier = dicts["LJ"].pk
    sql = str(list_queryset("talents", users["office"], is_active="true", tier=tier).query)
    assert f'"tier_id" = {tier}' in sql and '"is_active"' in sql
    with pytest.raises(ValueError, match="tier"):
        list_queryset("talents", users["office"], tier="not-a-number")
