"""Career entries are written without saving them one by one (an import's first entries,
the entry a move closes), and each such write still has its audit entry."""

from io import StringIO

import xlsxwriter
from django.core.management import call_command
from django.utils import timezone

from rencai.conftest import valid_id_number
from rencai.core import audit
from rencai.core.imports.pipeline import run_import
from rencai.core.imports.schema import context_for
from rencai.core.models import AuditAction, AuditEntry
from rencai.talents.imports import TalentSchema
from rencai.talents.models import CareerEntry, Talent


def test_a_move_closes_the_open_career_entry_with_an_audit_entry(bank, other_bank, dicts, make_talent):
    talent = make_talent("赵敏", bank, position="客户经理")
    opened = talent.career.get()
    talent.organization = other_bank
    talent.save()
    opened.refresh_from_db()
    assert opened.end == timezone.localdate()
    closed = AuditEntry.objects.get(
        action=AuditAction.UPDATE, object_type="talents.careerentry", object_id=str(opened.pk)
    )
    assert closed.changes == {"end": [None, timezone.localdate().isoformat()]}
    call_command("verify_audit", stdout=StringIO())


def test_an_import_opens_each_career_entry_with_an_audit_entry(tmp_path, users, bank, dicts):
    path = tmp_path / "roster.xlsx"
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["姓名", "身份证号", "工作单位", "职务", "人才类别"])
    sheet.write_row(1, 0, ["李娜", valid_id_number("19850307", 2), "甲银行济南分行", "客户经理", "金融商务人才"])
    sheet.write_row(2, 0, ["王强", valid_id_number("19850307", 3), "甲银行济南分行", "柜员", "金融商务人才"])
    workbook.close()
    schema = TalentSchema()
    report = run_import(schema, str(path), context_for(users["office"], None, schema), commit=True)
    assert report.committed and report.created == 2, report.summary()
    entries = CareerEntry.objects.filter(talent__in=Talent.objects.all())
    assert sorted(entries.values_list("organization_name", "position")) == [
        ("甲银行济南分行", "客户经理"),
        ("甲银行济南分行", "柜员"),
    ]
    # Issue 22: one chained entry for the batch lists every career entry it created.
    logged = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="talents.careerentry")
    assert sorted(row[0] for row in logged.changes["batch"]["rows"]) == sorted(e.pk for e in entries)
    assert logged.username == "office"
    for career in entries:
        assert audit.entries_for("talents.careerentry", career.pk).get() == logged
    call_command("verify_audit", stdout=StringIO())
