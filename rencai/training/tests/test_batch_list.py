"""Batch work in the generic list (issue 23 item 4), on training enrolments: check rows,
confirm them at once through the one write path, refusals reported row by row; export
only the checked rows; page size and page jump keep the filters."""

import io

from openpyxl import load_workbook

from rencai.core.models import AuditAction, AuditEntry
from rencai.training import services
from rencai.training.models import EnrolmentState


def _three_enrolments(klass, make_talent, users, bank, other_bank):
    liaison = users["liaison"]
    first = services.enrol(klass, make_talent("批甲", bank), liaison, "nominated")
    second = services.enrol(klass, make_talent("批乙", bank), liaison, "nominated")
    waiting = services.enrol(klass, make_talent("批丙", other_bank), users["other_liaison"], "nominated")
    return first, second, waiting


def test_batch_confirm_runs_each_row_and_names_the_refused(client_for, users, klass, make_talent, bank, other_bank):
    first, second, waiting = _three_enrolments(klass, make_talent, users, bank, other_bank)
    office = client_for("office")
    assert "/o/enrollments/?state=pending" in office.get("/").content.decode()  # the to-do, filtered
    listing = office.get("/o/enrollments/", {"state": "", "per_page": "50"}).content.decode()
    assert 'name="selected"' in listing and 'value="confirm"' in listing and 'id="select-all"' in listing
    back = "/o/enrollments/?per_page=50&q=%E6%89%B9"
    keys = [str(first.pk), str(second.pk), str(waiting.pk)]
    ask = office.post("/o/enrollments/batch/", {"action": "confirm", "selected": keys, "back": back})
    assert ask.status_code == 200 and "已选 3 条" in ask.content.decode()  # a confirmation first
    first.refresh_from_db()
    assert first.state == EnrolmentState.PENDING
    done = office.post("/o/enrollments/batch/", {"action": "confirm", "selected": keys, "back": back, "confirmed": "1"})
    assert done.status_code == 302 and done["Location"] == back  # back to the same filtered list
    for enrollment in (first, second, waiting):
        enrollment.refresh_from_db()
    assert (first.state, second.state) == (EnrolmentState.CONFIRMED, EnrolmentState.CONFIRMED)
    assert waiting.state == EnrolmentState.WAITLISTED
    page = office.get(back).content.decode()
    assert "已对2条记录确认报名" in page
    assert "未能确认报名" in page and "名额2人已满" in page and "批丙" in page
    # each confirmation is audited as its own change
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, object_type="training.enrollment").count() >= 2


def test_a_batch_action_is_not_offered_to_a_role_that_may_not_take_it(
    client_for, users, klass, make_talent, bank, other_bank
):
    first, _second, _waiting = _three_enrolments(klass, make_talent, users, bank, other_bank)
    liaison = client_for("liaison")
    assert 'value="confirm"' not in liaison.get("/o/enrollments/").content.decode()
    liaison.post("/o/enrollments/batch/", {"action": "confirm", "selected": [first.pk], "confirmed": "1"})
    first.refresh_from_db()
    assert first.state == EnrolmentState.PENDING
    # a row outside the liaison's institution is not theirs to select
    other = client_for("other_liaison")
    answer = other.post("/o/enrollments/batch/", {"action": "__export__", "selected": [first.pk]})
    export = other.get(answer["Location"])
    rows = list(
        load_workbook(
            io.BytesIO(b"".join(export.streaming_content)) if export.streaming else io.BytesIO(export.content)
        ).active.iter_rows(values_only=True)
    )
    assert all("批甲" not in " ".join(str(c) for c in row) for row in rows)


def test_export_selected_exports_only_the_checked_rows_within_the_filters(
    client_for, users, klass, make_talent, bank, other_bank
):
    first, second, waiting = _three_enrolments(klass, make_talent, users, bank, other_bank)
    office = client_for("office")
    answer = office.post(
        "/o/enrollments/batch/",
        {"action": "__export__", "selected": [first.pk, waiting.pk], "back": "/o/enrollments/?state=pending&page=2"},
    )
    assert answer.status_code == 302
    location = answer["Location"]
    assert location.startswith("/o/enrollments/export/?") and "state=pending" in location and "page=" not in location
    export = office.get(location)
    content = b"".join(export.streaming_content) if export.streaming else export.content
    text = " ".join(
        str(c) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True) for c in row
    )
    assert "批甲" in text and "批乙" not in text
    assert "批丙" not in text  # checked, but outside the filter (waitlisted, not pending)
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).order_by("-seq").first()
    assert entry.changes["selected"] == 2 and entry.changes["rows"] == 1


def test_page_size_and_page_jump_keep_the_filters(client_for, users, klass, make_talent, bank, other_bank):
    _three_enrolments(klass, make_talent, users, bank, other_bank)
    office = client_for("office")
    page = office.get("/o/enrollments/", {"state": "pending", "per_page": "100", "sort": "-hours"}).content.decode()
    assert 'id="per-page"' in page and '<option value="100" selected>' in page
    size_form = page.split('id="page-size-form"')[1].split("</form>")[0]
    assert 'name="state" value="pending"' in size_form and 'name="sort" value="-hours"' in size_form
    assert 'name="per_page"' in page.split('id="filter-form"')[1].split("</form>")[0]  # the filter keeps the size
    assert "共 2 条" in page
    # an unknown page size falls back to the declared one
    assert office.get("/o/enrollments/", {"per_page": "100000"}).status_code == 200
