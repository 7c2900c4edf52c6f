"""Walks every route as a liaison of another institution and as a reviewer: nothing of a
foreign institution may be listed, shown, exported or changed.

Every URL pattern must be either a declared object's route (covered by the walk) or listed
below with the reason it holds no organisation's data; a new route that is neither fails
``test_every_route_is_covered``.
"""

import io

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from rencai.accounts.models import User
from rencai.core.objects import registered
from rencai.core.tests.conftest import SHARED
from rencai.selections.models import Campaign
from rencai.talents.models import (
    DictionaryEntry,
    PoolBatch,
    TalentPool,
)

#: Routes that show no organisation's business data, with the reason.
NON_OBJECT_ROUTES = {
    "core:home": "the user's own to-dos, each provider scoped",
    # issue 23: the talent's own page, the message centre, password help
    "core:portal": "the talent's own page, read through their scoped lists (tested in core tests)",
    "accounts:messages": "the user's own messages only (tested in accounts tests)",
    "accounts:message-open": "opens one of the user's own messages only, else 404",
    "accounts:notice-settings": "the user's own notification choice",
    "accounts:password-forgot": "a static page: who resets a password",
    "core:planned": "a static page of a mechanism not built yet",
    "core:audit-list": "security auditor only (tested in accounts tests)",
    "core:audit-export": "security auditor only",
    "core:audit-verify": "security auditor only",
    "accounts:login": "log-in form",
    "accounts:logout": "log-out",
    "accounts:otp": "the user's own second factor",
    "accounts:password": "the user's own password",
    "accounts:password-done": "redirect",
    "accounts:role-changes": "system and security administrators only (tested in accounts tests)",
    "accounts:role-change-decide": "system and security administrators only",
    "accounts:enrolment-code": "system and security administrators only, for administrator accounts",
    "accounts:lockouts": "security administrator only (tested in accounts tests)",
    "set_language": "language switch",
    "api-schema": "the OpenAPI schema, no data",
    "api-docs": "Swagger UI, no data",
    "api-root": "list of API endpoints, no data",
    "objects:unmask": "walked below for every personal field",
    "talents:dictionary": "office-only editor of shared reference data (tested in talents tests)",
    "talents:dictionary-kind": "office-only editor of shared reference data",
    "imports:list": "the user's own import jobs only",
    "imports:upload": "upload form; organisations offered are the user's editable ones",
    "imports:template": "an empty template with shared dictionaries",
    "api-import-upload": "upload; organisation checked against the user's editable ones",
    "selections:vote": "the public vote of a shared campaign: its candidates are public by design",
    "training:checkin": "checks in the user themself, with a signed, expiring token",
    "training:watch": "the shared video library; progress shown is the user's own",
    "training:stream": "the shared video library",
    "training:progress": "reports the user's own progress",
    "training:certificate-verify": "public check of a certificate by its number, name masked",
    "training:figures": "figures of the organisations the user may see (tested in training tests)",
    "returns:aggregate": "sums over the submissions the user may see (tested in returns tests)",
    "dashboards:leader": "figures counted through the user's own scoped lists (tested in dashboards tests)",
    "dashboards:generate": "office and leaders only; a scope the user may not see is refused (tested)",
    "funds:report": "sums over the payments the user may see; lines to office and leaders only (tested in funds tests)",
    "funds:ledger": "the payments the user may see, amounts masked unless unmasked (tested in funds tests)",
    # cooperation
    "cooperation:calendar": "activities and lectures of the user's own scoped lists (tested in cooperation tests)",
    "cooperation:participation": "members and activities of the user's own scoped lists (tested in cooperation tests)",
    # --- projects (人才工程) ---
    "projects:board": "tasks counted through the user's own scoped task list (tested in projects tests)",
    "projects:timeline": "a shared programme; only the tasks the user may see are drawn (tested in projects tests)",
}
#: Pages of one object outside the generic views: walked by test_own_pages_are_scoped.
OWN_PAGE_ROUTES = {
    "evaluation:score": "score-sheets",
    "evaluation:ranking": "reviews",
    "evaluation:draw-verify": "draws",
    "selections:results-xlsx": "campaigns",
    "selections:document": "campaigns",
    "selections:material-download": "materials",
    "training:certificate": "enrollments",
    "training:qr": "training-sessions",
    "returns:fill": "submissions",
    "returns:template": "submissions",
    "returns:board": "return-periods",
    "dashboards:download": "generated-documents",
    "cooperation:photo": "activity-photos",
    # --- projects (人才工程) ---
    "projects:notice-docx": "supervision-notices",
}
#: Routes of one import job: walked by test_import_job_routes_are_private below.
IMPORT_JOB_ROUTES = {
    "imports:job",
    "imports:progress",
    "imports:commit",
    "imports:cancel",
    "imports:error-copy",
    "api-import-job",
    "api-import-report",
    "api-import-commit",
    "api-import-cancel",
}
# --- bulletins (信息报送) ---
NON_OBJECT_ROUTES |= {
    "bulletins:ranking": "office and leaders only: the units' scores (tested in bulletins tests)",
    "bulletins:coverage": "office and leaders only: liaison coverage of the institutions",
}
OWN_PAGE_ROUTES |= {
    "bulletins:issue-docx": "periodical-issues",
    "bulletins:issue-pdf": "periodical-issues",
    "bulletins:attachment-download": "info-attachments",
}
# --- assessment (目标考核与示范点) ---
NON_OBJECT_ROUTES |= {
    "assessment:ranking": "a shared round: office and leaders at once, units only once in publicity (tested)",
    "assessment:results-docx": "the published results notice of a shared round (public by design once published)",
}
OWN_PAGE_ROUTES |= {
    "assessment:card": "unit-assessments",
    "assessment:evidence-download": "assessment-evidence",
}
# --- issue 23b (fill page findings, 催报 from the board) ---
NON_OBJECT_ROUTES |= {
    "returns:findings": "POST only, a submission the user may see (tested in returns tests)",
}
OWN_PAGE_ROUTES |= {"returns:board-remind": "return-periods"}
# --- issue 25 item 4 (background exports) ---
NON_OBJECT_ROUTES |= {"exports:list": "the user's own export jobs only"}
#: Routes of one export job: walked by test_export_job_routes_are_private below.
EXPORT_JOB_ROUTES = {"exports:job", "exports:progress", "exports:download"}
OBJECT_ACTIONS = {"list", "export", "create", "detail", "edit", "delete", "action", "batch"}
API_ACTIONS = {"list", "detail", "do"}


def _route_names(resolver=None, prefix="") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _route_names(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_route_is_covered():
    slugs = set(registered())
    covered = set(NON_OBJECT_ROUTES) | IMPORT_JOB_ROUTES | EXPORT_JOB_ROUTES | set(OWN_PAGE_ROUTES)
    covered |= {f"objects:{slug}-{action}" for slug in slugs for action in OBJECT_ACTIONS}
    covered |= {f"{slug}-{action}" for slug in slugs for action in API_ACTIONS}
    uncovered = _route_names() - covered
    assert not uncovered, f"routes not covered by the leak test: {sorted(uncovered)}"


def _xlsx_text(content: bytes) -> str:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)


@pytest.mark.parametrize("who", ["liaison", "reviewer"])
def test_no_foreign_object_leaks(users, client_for, foreign, who):
    client = client_for(who)
    for slug, config in registered().items():
        if slug in SHARED:
            continue
        obj, marker = foreign[slug]
        base = f"/o/{slug}/"
        for query in ({}, {"q": marker[:-1]}):
            response = client.get(base, query)
            assert response.status_code in (200, 403), (slug, response.status_code)
            assert marker not in response.content.decode(), f"{slug} list shows a foreign object to {who}"
        response = client.get(f"{base}export/")
        assert response.status_code in (200, 403)
        if response.status_code == 200:
            assert marker not in _xlsx_text(response.getvalue()), f"{slug} export leaks to {who}"
        for suffix in ("", "edit/", "delete/"):
            assert client.get(f"{base}{obj.pk}/{suffix}").status_code in (403, 404), (slug, suffix)
        before = type(obj).objects.get(pk=obj.pk).version
        assert client.post(f"{base}{obj.pk}/edit/", {"name": "被改", "_version": before}).status_code in (403, 404)
        assert client.post(f"{base}{obj.pk}/delete/").status_code in (403, 404)
        for field in ("mobile", "id_number", "email"):
            assert client.post(f"{base}{obj.pk}/unmask/{field}/").status_code in (403, 404)
        for action in config.actions:
            assert client.post(f"{base}{obj.pk}/do/{action.name}/").status_code in (403, 404), (slug, action.name)
        # issue 23b: batch actions and 导出所选 on a foreign row
        for action in config.actions:
            batch = {"action": action.name, "selected": [obj.pk], "confirmed": "1"}
            assert client.post(f"{base}batch/", batch).status_code in (302, 403, 404), (slug, action.name)
        response = client.get(f"{base}export/", {"selected": obj.pk})
        if response.status_code == 200:
            assert marker not in _xlsx_text(response.getvalue()), f"{slug} export of the selected leaks to {who}"
        response = client.get(f"/api/{slug}/", {"search": marker[:-1]})
        assert response.status_code in (200, 403)
        assert marker not in response.content.decode(), f"{slug} API list leaks to {who}"
        api = f"/api/{slug}/{obj.pk}/"
        assert client.get(api).status_code in (403, 404)
        patch = client.patch(api, {"name": "被改", "version": before}, content_type="application/json")
        assert patch.status_code in (403, 404)
        assert client.delete(api).status_code in (403, 404)
        for action in config.actions:
            assert client.post(f"{api}do/{action.name}/").status_code in (403, 404), (slug, action.name)
        after = type(obj).objects.get(pk=obj.pk)
        assert after.version == before and str(after) == str(obj), f"{slug} changed by {who}"


@pytest.mark.parametrize("who", ["liaison", "reviewer", "talent"])
def test_own_pages_are_scoped(users, client_for, foreign, who):
    """The scoring form, ranking, draw verification, results and material downloads of
    another institution's or another reviewer's objects answer 403 or 404."""
    client = client_for(who)
    campaign = Campaign.objects.get()
    for name, slug in OWN_PAGE_ROUTES.items():
        obj = campaign if slug == "campaigns" else foreign[slug][0]
        kwargs = {"pk": obj.pk, **({"kind": "results"} if name == "selections:document" else {})}
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code in (403, 404), (who, name, response.status_code)


def test_outside_scope_answers_like_missing(users, client_for, other_bank):
    client = client_for("liaison")
    missing = client.get("/o/organizations/999999/")
    foreign = client.get(f"/o/organizations/{other_bank.pk}/")
    assert missing.status_code == foreign.status_code == 404
    api_missing = client.get("/api/organizations/999999/")
    api_foreign = client.get(f"/api/organizations/{other_bank.pk}/")
    assert api_missing.status_code == api_foreign.status_code == 404
    assert api_missing.json() == api_foreign.json() == {"detail": "未找到。"}


def test_liaison_sees_own_institution_and_branches(users, client_for, bank, bank_branch):
    data = client_for("liaison").get("/api/organizations/").json()
    assert {row["id"] for row in data["results"]} == {bank.pk, bank_branch.pk}
    assert User.objects.visible_to(users["liaison"]).filter(pk=users["talent"].pk).exists()


def test_talent_sees_only_themself(users, client_for):
    data = client_for("talent").get("/api/users/").json()
    assert [row["username"] for row in data["results"]] == ["talent"]


@pytest.mark.parametrize("who", ["liaison", "reviewer", "talent"])
def test_shared_reference_data_is_read_only_outside_the_office(users, client_for, foreign, who):
    """Pools, batches, dictionaries and service rules hold no institution's data; others
    may read them (to pick from them) but only office staff change them."""
    client = client_for(who)
    samples = {
        "dictionary": DictionaryEntry.objects.first(),
        "pools": TalentPool.objects.first(),
        "pool-batches": PoolBatch.objects.first(),
    }
    for slug, obj in samples.items():
        before = type(obj).objects.get(pk=obj.pk).version
        assert client.post(f"/o/{slug}/{obj.pk}/edit/", {"name": "被改", "_version": before}).status_code == 403
        assert client.post(f"/o/{slug}/{obj.pk}/delete/").status_code == 403
        patch = client.patch(
            f"/api/{slug}/{obj.pk}/", {"name": "被改", "version": before}, content_type="application/json"
        )
        assert patch.status_code in (403, 404)
        assert type(obj).objects.get(pk=obj.pk).version == before


def test_import_job_routes_are_private(users, client_for, dicts, bank):
    """A job (its preview, errors, file, commit, cancel) answers only to its uploader."""
    from django.core.files.base import ContentFile
    from django.urls import reverse

    from rencai.core.models import ImportJob, ImportStatus

    job = ImportJob.objects.create(
        object_slug="talents",
        user=users["liaison"],
        organization=bank,
        file=ContentFile(b"name\n", name="r.csv"),
        file_name="r.csv",
        file_sha256="0" * 64,
        status=ImportStatus.PREVIEW,
        summary={"valid_rows": 1},
    )
    for who in ("other_liaison", "office", "reviewer", "talent"):
        client = client_for(who)
        for name in sorted(IMPORT_JOB_ROUTES):
            url = reverse(name, kwargs={"pk": job.pk})
            method = client.post if name.endswith(("commit", "cancel")) else client.get
            assert method(url).status_code in (403, 404), (who, name)
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEW


# --- issue 25 item 4 (background exports) ---
def test_export_job_routes_are_private(users, client_for, make_talent, bank, settings, tmp_path):
    """A background export (its page, progress and file) answers only to the user who asked."""
    from django.urls import reverse

    from rencai.core.models import ExportJob, ExportStatus
    from rencai.core.objects import export_jobs

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RENCAI_EXPORT_BACKGROUND_ROWS = 0
    make_talent("张志强", bank)
    client_for("liaison").get("/o/talents/export/")
    job = ExportJob.objects.get(user=users["liaison"])
    export_jobs.process_job(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    for who in ("other_liaison", "office", "reviewer", "talent"):
        client = client_for(who)
        for name in sorted(EXPORT_JOB_ROUTES):
            assert client.get(reverse(name, kwargs={"pk": job.pk})).status_code == 404, (who, name)
        assert "张志强" not in client.get(reverse("exports:list")).content.decode()
    assert client_for("liaison").get(reverse("exports:download", kwargs={"pk": job.pk})).status_code == 200
