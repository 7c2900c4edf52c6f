"""Issue 16: a full ID or mobile number typed into a search is not written to the audit
log (or, with the shipped gunicorn configuration, to the access log: test_production)."""

from rencai.core.audit import redact, redact_query
from rencai.core.models import AuditEntry


def test_redact_masks_full_numbers_only():
    assert redact("370102199001011231") == "370102********1231"
    assert redact("张三 13800138000") == "张三 138****8000"
    assert redact("３７０１０２１９９００１０１１２３１") == "370102********1231"  # full-width digits
    assert redact("2026") == "2026" and redact("张") == "张"
    assert redact_query({"q": "13800138000", "page": "2"}) == {"q": "138****8000", "page": "2"}


def test_an_export_of_a_search_for_an_id_number_records_it_masked(users, client_for, make_talent, bank):
    talent = make_talent("张志强", bank)
    response = client_for("office").get("/o/talents/export/", {"q": talent.id_number})
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="export").latest("seq")
    assert talent.id_number not in str(entry.changes)
    assert entry.changes["filters"]["q"] == talent.id_number[:6] + "********" + talent.id_number[-4:]
