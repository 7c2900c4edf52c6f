"""Schemathesis fuzzing of the whole API (issue 15, item 6).

Every operation of the OpenAPI schema (drf-spectacular, ``/api/schema/``) is one test case
per role (office, a liaison, a talent), run in-process through the WSGI application
against the demo data set:

* the demo is seeded once per module (``seed_demo``) inside an outer transaction that is
  rolled back when the module ends, so the rest of the suite sees an empty database;
* every generated request runs in its own savepoint, rolled back after the response, so
  no example sees what an earlier one created, changed or deleted;
* requests are authenticated with a DRF token of the role's demo user;
* generated cases are made realistic: ids in paths are mostly ids of demo objects the role
  may see (or edit, for writes), related-object fields in bodies mostly ids the role may
  pick, ``version`` mostly the object's current version and ``do/{action_name}`` mostly a
  declared action; about a third of the cases are schemathesis' negative (invalid) data.

A test fails, with one reproducing request per distinct finding, on a server error (5xx;
the server's traceback is captured through Django's ``got_request_exception``) or a status
code the schema does not document for the operation. ``response_schema_conformance``
findings are collected and printed but fail the test only with
``RENCAI_FUZZ_STRICT_SCHEMA=1``.

Environment:

``RENCAI_FUZZ_EXAMPLES``  examples per operation and role (default 5)
``RENCAI_FUZZ_ROLES``     comma-separated subset of office,liaison,talent (default all)
``RENCAI_FUZZ_REPORT``    a file to which every finding is appended as one JSON line
``RENCAI_FUZZ_STRICT_SCHEMA``  ``1``: response schema mismatches fail the test too
"""

import hashlib
import io
import json
import os
import re
import sys
import traceback
from dataclasses import asdict, dataclass, field
from typing import cast

import pytest
import schemathesis
from django.core.cache import caches
from django.core.management import call_command
from django.core.signals import got_request_exception, request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.viewsets import GenericViewSet
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from werkzeug.test import Client

from rencai.core.objects import registered, scoped_choices

not_a_server_error = schemathesis.checks.not_a_server_error

EXAMPLES = int(os.environ.get("RENCAI_FUZZ_EXAMPLES", "5"))
STRICT_SCHEMA = os.environ.get("RENCAI_FUZZ_STRICT_SCHEMA") == "1"
REPORT = os.environ.get("RENCAI_FUZZ_REPORT", "")
#: The demo user of every role fuzzed.
USERS = {"office": "office", "liaison": "liaison_icbc", "talent": "talent"}
ROLES = [r for r in os.environ.get("RENCAI_FUZZ_ROLES", ",".join(USERS)).split(",") if r]
WRITE_METHODS = {"PUT", "PATCH", "DELETE", "POST"}

APP = get_wsgi_application()
SCHEMA = schemathesis.openapi.from_wsgi("/api/schema/?format=json", APP)
SCHEMA.config.output.sanitization.update(enabled=False)  # the tokens are the fuzzer's own
# The schema is the project's own and valid: every result is an Ok (an Err fails here as before).
OPERATIONS = {op.label: op for op in (cast(Ok, result).ok() for result in SCHEMA.get_all_operations())}


def token_key(username: str) -> str:
    """A fixed token per demo user, so reproductions read the same from run to run."""
    return hashlib.sha1(f"rencai-fuzz-{username}".encode(), usedforsecurity=False).hexdigest()


# --- the demo data, once per module ------------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data set in an outer transaction, rolled back when the module ends."""
    from rest_framework.authtoken.models import Token

    from rencai.accounts.models import User

    media = tmp_path_factory.mktemp("fuzz-media")
    overrides = override_settings(
        MEDIA_ROOT=str(media),
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "imports": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(media / "import-state"),
            },
        },
    )
    # The WSGI handler would close the connection (and with it the outer transaction) at
    # the start and end of every request, as a server does; the test client does not either.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(_capture_exception)
    overrides.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", stdout=io.StringIO())
            users = {}
            for role, username in USERS.items():
                user = User.objects.get(username=username)
                Token.objects.update_or_create(user=user, defaults={"key": token_key(username)})
                users[role] = user
            yield users
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            overrides.disable()
            got_request_exception.disconnect(_capture_exception)
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


_captured: list[dict] = []


def _frame(frame) -> str:
    path = frame.filename.split("/site-packages/")[-1]
    path = path.split("/rencai/", 1)[-1] if "/rencai/" in path else path
    prefix = "rencai/" if "/site-packages/" not in frame.filename and "/rencai/" in frame.filename else ""
    return f"{prefix}{path}:{frame.lineno} in {frame.name}"


def _capture_exception(sender, request=None, **kwargs):
    exc_type, exc, tb = sys.exc_info()
    if exc is None:
        return
    frames = traceback.extract_tb(tb)
    own = [f for f in frames if "/rencai/" in f.filename and "/site-packages/" not in f.filename]
    _captured.append(
        {
            "exception": f"{exc_type.__module__}.{exc_type.__qualname__}".removeprefix("builtins."),
            "message": str(exc)[:500],
            "where": _frame(own[-1]) if own else "",
            "raised_at": _frame(frames[-1]),
            "traceback": "".join(traceback.format_exception(exc_type, exc, tb))[-6000:],
        }
    )


# --- realistic values from the demo data ----------------------------------------------


@dataclass
class Pools:
    """Ids of the demo objects of one type, as one role sees them."""

    visible: list[int]
    editable: list[int]
    versions: dict[int, int]
    actions: list[str]
    #: Body field name -> (ids the role may pick, all ids, many?)
    relations: dict[str, tuple[list[int], list[int], bool]] = field(default_factory=dict)
    #: (id, the API's own representation) of a few objects the role may edit, then see.
    samples: list[tuple[int, dict]] = field(default_factory=list)


_pools: dict[tuple[str, str], Pools] = {}


def _ids(queryset, limit: int = 400) -> list[int]:
    return list(queryset.order_by("pk").values_list("pk", flat=True)[:limit])


def pools_for(slug: str, role: str, user) -> Pools | None:
    if (slug, role) in _pools:
        return _pools[(slug, role)]
    config = registered().get(slug)
    if config is None:
        return None
    from rencai.urls import api_router

    # The router registers the project's GenericViewSets, each with a (model) serializer.
    viewset = cast("type[GenericViewSet]", next(v for prefix, v, _ in api_router.registry if prefix == slug))
    visible = _ids(config.visible(user))
    editable = _ids(config.editable(user))
    every = _ids(config.model._default_manager.all())
    versions = {}
    if any(f.name == "version" for f in config.model._meta.concrete_fields):
        versions = dict(
            config.model._default_manager.filter(pk__in=set(visible + editable)).values_list("pk", "version")
        )
    pools = Pools(
        visible=visible or every,
        editable=editable or every,
        versions=versions,
        actions=[a.name for a in config.actions],
    )
    assert viewset.serializer_class is not None
    serializer = cast(serializers.Serializer, viewset.serializer_class())
    for name, serializer_field in serializer.fields.items():
        if serializer_field.read_only:
            continue
        many = isinstance(serializer_field, serializers.ManyRelatedField)
        relation = (
            serializer_field.child_relation
            if isinstance(serializer_field, serializers.ManyRelatedField)  # as ``many``
            else serializer_field
        )
        if not isinstance(relation, serializers.PrimaryKeyRelatedField):
            continue
        model = getattr(relation, "related_model", None)
        if not model:
            assert relation.queryset is not None  # a writable related field has its queryset
            model = relation.queryset.model
        allowed = scoped_choices(model, user)
        if allowed is None:
            allowed = model._default_manager.all()
        limit = getattr(relation, "limit", None)
        if limit is not None:
            allowed = allowed.filter(limit)
        pools.relations[name] = (_ids(allowed), _ids(model._default_manager.all()), many)
    client = Client(APP)
    headers = {"Authorization": f"Token {token_key(user.username)}"}
    for object_id in sorted(set(pools.editable[:4] + pools.visible[:2])):
        with transaction.atomic():
            response = client.get(f"/api/{slug}/{object_id}/?unmask=1", headers=headers)
            transaction.set_rollback(True)
        if response.status_code == 200:
            pools.samples.append((object_id, response.get_json()))
    _pools[(slug, role)] = pools
    return pools


def make_realistic(case, data, pools: Pools) -> None:
    """Points a generated (valid) case at demo objects most of the time."""
    method = case.method.upper()
    if case.query:
        # Each filter in its own subset of cases, so one refused value does not hide the others.
        case.query = {k: v for k, v in case.query.items() if data.draw(st.booleans(), label=f"keep {k}")}
    params = case.path_parameters or {}
    object_id = None
    if "id" in params:
        ids = pools.editable if method in WRITE_METHODS else pools.visible
        source = data.draw(st.sampled_from(["own", "own", "own", "any", "generated"]), label="id source")
        if source == "own" and ids:
            params["id"] = data.draw(st.sampled_from(ids), label="id")
        elif source == "any" and (pools.visible or pools.editable):
            params["id"] = data.draw(st.sampled_from(sorted(set(pools.visible + pools.editable))), label="id")
        object_id = params["id"]
    if "action_name" in params and pools.actions and data.draw(st.integers(0, 4), label="declared action") > 0:
        params["action_name"] = data.draw(st.sampled_from(pools.actions), label="action")
    if not isinstance(case.body, dict):
        return
    from_sample = (
        method in {"POST", "PUT", "PATCH"}
        and "action_name" not in params
        and pools.samples
        and data.draw(st.booleans(), label="from a demo object")
    )
    if from_sample:
        # A demo object as the API shows it, with a few generated fields laid over it.
        sample_id, sample = data.draw(st.sampled_from(pools.samples), label="sample")
        if "id" in params:
            params["id"] = object_id = sample_id
        generated = sorted(case.body)
        overlay = (
            data.draw(st.lists(st.sampled_from(generated), max_size=2, unique=True), label="overlay")
            if generated
            else []
        )
        body = {k: v for k, v in sample.items() if k not in ("id", "notice")}
        body.update({k: case.body[k] for k in overlay})
        case.body = body
        if data.draw(st.booleans(), label="keep relations"):
            return
    for name, (allowed, every, many) in pools.relations.items():
        if name not in case.body or data.draw(st.integers(0, 3), label=f"{name} realistic") == 0:
            continue
        choices = allowed or every
        if not choices:
            continue
        if many:
            case.body[name] = data.draw(st.lists(st.sampled_from(choices), max_size=3, unique=True), label=name)
        else:
            case.body[name] = data.draw(st.sampled_from(choices), label=name)
    if method in {"PUT", "PATCH"} and object_id in pools.versions and data.draw(st.integers(0, 4), label="v") > 0:
        case.body["version"] = pools.versions[object_id]


# --- one test per operation and role ----------------------------------------------------


@dataclass
class Finding:
    kind: str  # server_error | undocumented_status | response_schema
    role: str
    operation: str
    status: int
    documented: list[str]
    exception: str = ""
    message: str = ""
    where: str = ""
    raised_at: str = ""
    traceback: str = ""
    curl: str = ""
    body: str = ""
    count: int = 1

    def key(self) -> tuple:
        if self.kind == "server_error":
            return (self.kind, self.exception, self.where, self.raised_at, re.sub(r"\d+", "N", self.message)[:120])
        if self.kind == "undocumented_status":
            return (self.kind, self.status)
        return (self.kind, self.status, re.sub(r"\d+", "N", self.message.splitlines()[0] if self.message else "")[:120])

    def summary(self) -> str:
        head = f"[{self.kind}] {self.operation} as {self.role}: {self.status} (x{self.count})"
        if self.kind == "undocumented_status":
            head += f", documented {', '.join(self.documented)}"
        lines = [head]
        if self.exception:
            lines.append(f"  {self.exception}: {self.message.splitlines()[0] if self.message else ''}")
            lines.append(f"  raised at {self.raised_at}" + (f", from {self.where}" if self.where else ""))
        elif self.message:
            lines.append("  " + self.message.splitlines()[0][:300])
        lines.append("  " + self.curl.replace("\n", "\n  "))
        return "\n".join(lines)


def _body_text(case) -> str:
    if case.body is None or type(case.body).__name__ == "NotSet":
        return ""
    try:
        return json.dumps(case.body, ensure_ascii=False, default=repr)[:2000]
    except (TypeError, ValueError):
        return repr(case.body)[:2000]


def _record(findings: dict, finding: Finding) -> None:
    key = finding.key()
    if key not in findings:
        findings[key] = finding
        return
    finding.count = findings[key].count + 1
    if len(finding.curl) < len(findings[key].curl):
        findings[key] = finding  # the shortest reproduction
    else:
        findings[key].count = finding.count


def run_case(case, role: str, findings: dict) -> None:
    username = USERS[role]
    case.headers = {**(case.headers or {}), "Authorization": f"Token {token_key(username)}"}
    case.cookies = {}
    _captured.clear()
    caches["default"].clear()
    with transaction.atomic():
        try:
            response = case.call()
        finally:
            transaction.set_rollback(True)
    documented = list(case.operation.responses.status_codes)
    curl = case.as_curl_command()
    base = {"role": role, "operation": case.operation.label, "status": response.status_code, "documented": documented}
    if response.status_code >= 500 or _captured:
        info = _captured[-1] if _captured else {"message": response.text[:500]}
        _record(findings, Finding(kind="server_error", curl=curl, body=_body_text(case), **base, **info))
    for kind, check in (
        ("undocumented_status", status_code_conformance),
        ("response_schema", response_schema_conformance),
    ):
        if response.status_code >= 500:
            break
        try:
            case.validate_response(response, checks=[check])
        except FailureGroup as group:
            message = "\n".join(f"{f.title}: {f.message}" for f in group.exceptions)
            _record(findings, Finding(kind=kind, message=message[:2000], curl=curl, body=_body_text(case), **base))


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_api_operation(label, role, demo, db):
    operation = OPERATIONS[label]
    slug = operation.path.split("/")[2]
    user = demo[role]
    pools = pools_for(slug, role, user)
    positive = operation.as_strategy(GenerationMode.POSITIVE)
    negative = operation.as_strategy(GenerationMode.NEGATIVE)
    findings: dict[tuple, Finding] = {}

    @FUZZ_SETTINGS
    @given(data=st.data())
    def fuzz(data):
        if data.draw(st.integers(0, 2), label="negative") == 0:
            case = data.draw(negative, label="negative case")
        else:
            case = data.draw(positive, label="case")
            if pools is not None:
                make_realistic(case, data, pools)
        run_case(case, role, findings)

    fuzz()

    if REPORT:
        with open(REPORT, "a", encoding="utf-8") as report:
            for finding in findings.values():
                report.write(json.dumps(asdict(finding), ensure_ascii=False) + "\n")
    failing = [f for f in findings.values() if f.kind != "response_schema" or STRICT_SCHEMA]
    schema_only = [f for f in findings.values() if f.kind == "response_schema" and not STRICT_SCHEMA]
    for finding in schema_only:
        print(finding.summary())
    if failing:
        pytest.fail(f"{len(failing)} finding(s):\n" + "\n\n".join(f.summary() for f in failing), pytrace=False)


def test_examples_do_not_see_each_other(demo, db):
    """The isolation the fuzzer relies on: a DELETE in one example's savepoint is gone in
    the next example, and the demo data is there for every test."""
    from rencai.services.models import Visit

    visit = Visit.objects.order_by("pk").first()
    count = Visit.objects.count()
    assert count > 10
    headers = {"Authorization": f"Token {token_key(USERS['office'])}"}
    with transaction.atomic():
        response = Client(APP).delete(f"/api/visits/{visit.pk}/", headers=headers)
        assert response.status_code == 204, response.get_data(as_text=True)
        assert not Visit.objects.filter(pk=visit.pk).exists()
        transaction.set_rollback(True)
    assert Visit.objects.filter(pk=visit.pk).exists()
    assert Visit.objects.count() == count
