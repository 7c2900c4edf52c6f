"""Forms fit the data and the history speaks plain Chinese (issue 23, items 5 and 6)."""

import re
from datetime import UTC, datetime

from django import forms
from django.db import models
from django.utils import timezone

from rencai.core import audit
from rencai.core.display import field_label, labelled_changes, plain_value
from rencai.core.forms import bootstrapify
from rencai.core.models import AuditAction, AuditEntry
from rencai.core.objects import registered
from rencai.core.personal import EncryptedField
from rencai.orgs.models import Organization
from rencai.talents.models import Talent

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def test_every_declared_form_fits_its_data(users):
    """ID number, mobile and e-mail are one line; a date a date picker; a choice list searchable."""
    checked = {"encrypted": 0, "date": 0, "select": 0}
    for config in registered().values():
        form_class = config.get_form_class(users["office"])
        form = bootstrapify(form_class())
        for name, form_field in form.fields.items():
            try:
                model_field = config.model._meta.get_field(name)
            except Exception:  # noqa: BLE001 - a form-only field
                model_field = None
            widget = form_field.widget
            if isinstance(model_field, EncryptedField) and model_field.kind != "text":
                assert not isinstance(widget, forms.Textarea), f"{config.slug}.{name} is a multi-line box"
                checked["encrypted"] += 1
            if isinstance(model_field, models.DateField) and not isinstance(model_field, models.DateTimeField):
                assert getattr(widget, "input_type", "") == "date", f"{config.slug}.{name} is no date input"
                checked["date"] += 1
            if isinstance(model_field, models.DateTimeField):
                assert getattr(widget, "input_type", "") == "datetime-local", f"{config.slug}.{name}"
            if isinstance(widget, forms.Select) and not isinstance(widget, forms.NullBooleanSelect):
                assert widget.attrs.get("data-searchable"), f"{config.slug}.{name} is not searchable"
                checked["select"] += 1
    assert checked["encrypted"] >= 3 and checked["date"] > 10 and checked["select"] > 10


def test_the_talent_form_renders_single_line_personal_inputs(client_for):
    page = client_for("office").get("/o/talents/new/").content.decode()
    for name in ("id_number", "mobile", "email"):
        assert f'<textarea name="{name}"' not in page
        assert re.search(rf'<input type="(text|email)" name="{name}"', page), name
    assert re.search(r'<input type="date" name="birth_date"', page)
    assert 'data-searchable="12"' in page


def test_plain_values():
    assert plain_value([]) == "" and plain_value({}) == ""
    assert plain_value(["甲", "乙"]) == "甲、乙"
    assert plain_value("2026-12-01T11:17:40.355752+00:00") == timezone.localtime(
        datetime(2026, 12, 1, 11, 17, 40, tzinfo=UTC)
    ).strftime("%Y-%m-%d %H:%M")
    assert plain_value({"rows": 3, "filters": {}}) == "导出行数：3"
    assert field_label(Talent, "pk") == "编号" and field_label(Talent, "id") == "编号"


def test_history_rows_name_fields_and_references_in_words(users, bank):
    changes = {
        "id": [None, 5],
        "parent_id": [None, bank.pk],
        "kind": ["bank", "insurance"],
        "updated_at": ["2026-12-01T11:17:40.355752+00:00", "2026-12-01T12:00:00+00:00"],
        "aliases": [[], []],
    }
    rows = labelled_changes(Organization, changes)
    text = " ".join(" ".join(row) for row in rows)
    assert ISO.search(text) is None and "[]" not in text and "id" not in [r[0] for r in rows]
    labels = [r[0] for r in rows]
    assert bank.name in text and "保险" in text  # a reference by its name, a choice by its label
    assert all(not label.isascii() for label in labels), labels


def test_the_audit_viewer_speaks_plain_chinese(client_for, users):
    org = Organization.objects.create(name="明文测试银行", kind="bank")
    stamp = ["2026-12-01T11:17:40.355752+00:00", "2026-12-01T12:00:00+00:00"]
    audit.record(AuditAction.UPDATE, obj=org, changes={"updated_at": stamp, "aliases": [[], ["明文"]]})
    entry = AuditEntry.objects.filter(object_repr="明文测试银行").order_by("-seq").first()
    assert entry is not None and ISO.search(str(entry.changes))  # the record keeps ISO time
    page = client_for("auditor").get("/audit/").content.decode()
    assert "明文测试银行" in page
    assert ISO.search(page) is None
    assert "<code>" not in page and "{&#x27;" not in page
    assert "修改时间：" in page and " → " in page
    assert "机构" in page  # the object type by its verbose name, not orgs.organization
