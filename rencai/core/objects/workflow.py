"""Declared actions on one object, and workflows as small state machines built from them.

An object's declaration lists its actions; the generic detail page shows the ones the user
may take, and one generic view (``/o/<slug>/<pk>/do/<name>/``, and the API's
``/api/<slug>/<pk>/do/<name>/``) asks for the action's inputs and hands them to
:func:`rencai.core.objects.writes.run_action`, which checks role, scope and state and
performs it in one transaction. The model changes an action makes are audited like any
other save.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from rencai.core.errors import Conflict
from rencai.core.roles import role_of

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Action:
    """Something a user does to one object beyond editing its fields."""

    name: str
    label: "StrOrPromise"
    roles: frozenset[str]
    #: Called with the object, the user and the cleaned inputs (typed ``Any`` so that apps
    #: can pass functions taking their own models and user).
    perform: Callable[[Any, Any, dict[str, Any]], str | None]
    inputs: Callable[[], dict[str, forms.Field]] = field(default=dict)
    available: Callable[[Any, Any], bool] = field(default=lambda obj, user: True)
    style: str = "outline-primary"
    #: Offered on the list page for the checked rows (each row still runs on its own
    #: through ``run_action``, all in one transaction).
    batch: bool = False
    #: What the user should know before confirming (a return's open warnings), shown
    #: above the action's inputs.
    notes: Callable[[Any], list[str]] = field(default=lambda obj: [])

    def allowed(self, obj: models.Model, user: Any) -> bool:
        return role_of(user) in self.roles and self.available(obj, user)

    def form_class(self) -> type[forms.Form]:
        return type(f"{self.name.title()}Form", (forms.Form,), dict(self.inputs()))


@dataclass(frozen=True)
class Transition:
    """One arrow of a workflow: from any of ``sources`` to ``target``, for ``roles``."""

    name: str
    label: "StrOrPromise"
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    inputs: Callable[[], dict[str, forms.Field]] = field(default=dict)
    #: Extra work done before the new state is saved (may raise Refused).
    effect: Callable[[Any, Any, dict[str, Any]], None] | None = None
    #: A further condition on the object and user (for example "the talent themself").
    condition: Callable[[Any, Any], bool] = field(default=lambda obj, user: True)
    style: str = "outline-primary"
    batch: bool = False
    notes: Callable[[Any], list[str]] = field(default=lambda obj: [])


class Workflow:
    """A declared state machine over ``state_field``; each transition becomes an Action.

    Entering a state stamps ``<state>_at`` when the model has such a field, and the
    transition's inputs are written to model fields of the same name.
    """

    def __init__(self, state_field: str, transitions: list[Transition]):
        self.state_field = state_field
        self.transitions = transitions

    def actions(self) -> list[Action]:
        return [self._action(t) for t in self.transitions]

    def _action(self, transition: Transition) -> Action:
        def available(obj: Any, user: Any, t: Transition = transition) -> bool:
            return getattr(obj, self.state_field) in t.sources and t.condition(obj, user)

        def perform(obj: Any, user: Any, data: dict[str, Any], t: Transition = transition) -> str | None:
            return self.apply(obj, t, user, data)

        return Action(
            name=transition.name,
            label=transition.label,
            roles=transition.roles,
            perform=perform,
            inputs=transition.inputs,
            available=available,
            style=transition.style,
            batch=transition.batch,
            notes=transition.notes,
        )

    def apply(self, obj: Any, transition: Transition, user: Any, data: dict[str, Any]) -> str:
        if getattr(obj, self.state_field) not in transition.sources:
            raise Conflict(f"当前状态为“{self.state_label(obj)}”，不能{transition.label}。")
        data = dict(data)
        if transition.effect is not None:
            transition.effect(obj, user, data)
        field_names = {f.name for f in obj._meta.concrete_fields}
        for key, value in data.items():
            if key in field_names:
                setattr(obj, key, value)
        setattr(obj, self.state_field, transition.target)
        stamp = f"{transition.target}_at"
        if stamp in field_names:
            setattr(obj, stamp, timezone.now())
        obj.full_clean()
        obj.version += 1
        obj.save()
        return f"已{transition.label}：{obj}"

    def state_label(self, obj: models.Model) -> str:
        return str(getattr(obj, f"get_{self.state_field}_display")())


REASON = gettext_lazy("理由")


def reason_input(
    label: "StrOrPromise" = REASON, required: bool = True, name: str = "reason"
) -> Callable[[], dict[str, forms.Field]]:
    """The common single input of a transition: a reason or comment, written to the model
    field ``name``."""

    def inputs() -> dict[str, forms.Field]:
        return {name: forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 3}))}

    return inputs
