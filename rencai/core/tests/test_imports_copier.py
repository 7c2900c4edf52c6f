"""Issue 22: an import's new records are copied on a second thread (PostgreSQL) while the
next batch is read. Small batches here, so that a few rows make several of them: each
batch's rows, career entries and audit links arrive, a refusal in a later batch's COPY
names its row and leaves the database as it was, and the rules' duties still see their
talents."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from rencai.core import audit, dataversion
from rencai.core.imports import pipeline
from rencai.core.imports.pipeline import run_import
from rencai.core.imports.reading import ImportFileError
from rencai.core.imports.schema import context_for
from rencai.core.models import AuditEntry
from rencai.core.tests.test_imports import boom_trigger as boom_trigger
from rencai.core.tests.test_imports import good_row, id_for, write_roster
from rencai.talents.imports import TalentSchema
from rencai.talents.models import CareerEntry, Talent


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(pipeline, "BATCH_ROWS", 2)


def test_every_batch_copied_in_the_background_is_written_and_audited(tmp_path, users, dicts, bank, small_batches):
    rows = [good_row(n, name=f"人才{n}") for n in (1, 3, 5, 7, 9, 11, 13)]
    path = write_roster(tmp_path / "r.xlsx", rows)
    version_before = dataversion.current()
    schema = TalentSchema()
    report = run_import(schema, path, context_for(users["office"], None, schema), commit=True)
    assert report.committed and report.created == 7 and not report.errors
    assert Talent.objects.count() == 7 and CareerEntry.objects.count() == 7
    assert dataversion.current() != version_before
    for talent in Talent.objects.all():
        entry = audit.entries_for("talents.talent", talent.pk).get()
        assert audit.batch_row(entry, talent.pk) is not None
        career = CareerEntry.objects.get(talent=talent)
        assert audit.batch_row(audit.entries_for("talents.careerentry", career.pk).get(), career.pk) is not None
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert f"审计链完整，共校验 {AuditEntry.objects.count()} 条记录" in out.getvalue()
    # Re-importing the same file in small batches changes nothing.
    again = run_import(schema, path, context_for(users["office"], None, schema), commit=True)
    assert again.unchanged == 7 and again.created == 0


def test_a_refused_copy_in_a_later_batch_names_its_row_and_leaves_nothing(
    tmp_path,
    users,
    dicts,
    bank,
    small_batches,
    boom_trigger,  # noqa: F811 - the fixture
):
    rows = [good_row(n) for n in (1, 3, 5, 7)] + [good_row(9, **{"职务": "BOOM"}), good_row(11), good_row(13)]
    path = write_roster(tmp_path / "r.xlsx", rows)
    audit_before = AuditEntry.objects.count()
    schema = TalentSchema()
    with pytest.raises(ImportFileError) as raised:
        run_import(schema, path, context_for(users["office"], None, schema), commit=True)
    assert raised.value.code == "db_error"
    assert "第 8 行" in raised.value.message  # the fifth data row, under the title and header rows
    assert Talent.objects.count() == 0 and CareerEntry.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before
    # The connection is usable afterwards (nothing left running on the second thread).
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1


def test_the_rules_duties_see_the_talents_of_each_batch(tmp_path, users, dicts, bank, small_batches):
    from rencai.services.models import ServiceDuty, ServiceRule

    ServiceRule.objects.create(name="领军人才季度联系", kind="contact", tier=dicts["LJ"], interval_days=90, due_days=30)
    path = tmp_path / "roster.csv"
    lines = ["名字,公民身份号码,工作单位,人才类别,层级"]
    lines += [f"人才{n},{id_for(n)},甲银行济南分行,金融商务人才,领军人才" for n in (1, 3, 5, 7, 9)]
    path.write_text("\n".join(lines), encoding="utf-8")
    schema = TalentSchema()
    report = run_import(schema, str(path), context_for(users["office"], None, schema), commit=True)
    assert report.created == 5
    duties = list(ServiceDuty.objects.select_related("talent"))
    assert sorted(d.talent.name for d in duties) == sorted(f"人才{n}" for n in (1, 3, 5, 7, 9))
    for duty in duties:
        assert audit.entries_for("services.serviceduty", duty.pk).get().object_repr.startswith(duty.talent.name)


def test_sqlite_gets_a_larger_page_cache_for_the_commit_only(tmp_path, users, dicts, bank):
    from rencai.core.imports.writing import sqlite_cache

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's page cache")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        with sqlite_cache():
            cursor.execute("PRAGMA cache_size")
            assert cursor.fetchone()[0] == -32768
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == before
    path = write_roster(tmp_path / "r.xlsx", [good_row(1), good_row(3)])
    schema = TalentSchema()
    assert run_import(schema, path, context_for(users["office"], None, schema), commit=True).created == 2
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == before
