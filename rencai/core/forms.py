from typing import TypeVar

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.core.errors import Refused

FormT = TypeVar("FormT", bound=forms.BaseForm)


#: A choice list longer than this gets a filter box above it (rencai.js ``data-searchable``).
SEARCHABLE_ABOVE = 12
SEARCH_PLACEHOLDER = gettext_lazy("输入关键字筛选选项")


def bootstrapify(form: FormT) -> FormT:
    """Give every widget Bootstrap's class so that generic templates stay plain; dates get
    the browser's date (and time) picker, and a choice list is marked searchable (the
    script adds a filter box when it has more than ``SEARCHABLE_ABOVE`` options)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.DateInput):
            # The browser's date picker accepts only ISO dates, whatever the language.
            widget.input_type = "date"
            widget.format = "%Y-%m-%d"
        elif isinstance(widget, forms.DateTimeInput):
            widget.input_type = "datetime-local"
            widget.format = "%Y-%m-%dT%H:%M"
        if isinstance(widget, forms.Select) and not isinstance(widget, forms.NullBooleanSelect):
            widget.attrs.setdefault("data-searchable", str(SEARCHABLE_ABOVE))
            widget.attrs.setdefault("data-search-placeholder", str(SEARCH_PLACEHOLDER))
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.NullBooleanSelect):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return form


def validate(form: forms.BaseForm) -> bool:
    """``form.is_valid()``, except that a model ``clean()`` reaching for a parent the
    input did not name (``self.enrollment`` of an attendance sent without one) counts as
    a missing input instead of a crash."""
    try:
        return form.is_valid()
    except ObjectDoesNotExist:
        form.add_error(None, _("缺少所属的上级记录，请先选择后再保存。"))
        return False


def add_refusal(form: forms.BaseForm, refusal: Refused) -> None:
    """Show a refused write on the form, each message by its field where the form has it."""
    for name, messages in refusal.errors.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
