"""The optional read replica: the leader view, documents and exports read from it, every
write goes to the primary, and a read inside a transaction of the primary stays there.

The second half runs when ``DATABASE_REPLICA_URL`` names a replica; CI points it at the
test database itself, which Django's ``TEST: {"MIRROR": "default"}`` then mirrors."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from rencai.core.routing import REPLICA, ReplicaRouter, read_alias, replica_reads
from rencai.talents.models import Talent

WITH_REPLICA = {**settings.DATABASES, REPLICA: {**settings.DATABASES["default"], "TEST": {"MIRROR": "default"}}}
WITHOUT_REPLICA = {alias: config for alias, config in settings.DATABASES.items() if alias != REPLICA}


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
@pytest.mark.django_db(transaction=True)
def test_the_router_sends_figures_reads_to_the_replica_and_everything_else_to_the_primary():
    router = ReplicaRouter()
    with override_settings(DATABASES=WITHOUT_REPLICA), replica_reads():
        assert router.db_for_read(Talent) == read_alias() == "default"  # no replica configured
    with override_settings(DATABASES=WITH_REPLICA):
        assert router.db_for_read(Talent) == "default"  # not a figure's read
        with replica_reads():
            assert router.db_for_read(Talent) == REPLICA
            assert router.db_for_write(Talent) == "default"
            with transaction.atomic():  # what this transaction wrote is not on the replica yet
                assert router.db_for_read(Talent) == "default"
        assert router.db_for_read(Talent) == "default"
        assert router.allow_migrate(REPLICA, "talents") is False and router.allow_migrate("default", "talents")


needs_replica = pytest.mark.skipif(REPLICA not in settings.DATABASES, reason="DATABASE_REPLICA_URL is not set")


def _talent_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "talents_talent" in q["sql"]]


@needs_replica
@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_the_leader_view_and_an_export_read_from_the_replica_and_write_to_the_primary(
    users, client_for, make_talent, bank
):
    make_talent("张志强", bank, born="19800101")
    office = client_for("office")
    with (
        CaptureQueriesContext(connections[REPLICA]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        page = office.get("/dashboards/").content.decode()
    assert _talent_queries(replica) and not _talent_queries(primary)
    total = int(re.search(r'id="figure-total">.*?figure-value">(\d+)', page, re.S).group(1))

    with (
        CaptureQueriesContext(connections[REPLICA]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        response = office.get("/o/talents/export/")
        b"".join(response.streaming_content)
    assert _talent_queries(replica) and not _talent_queries(primary)
    assert any(q["sql"].startswith("INSERT") and "core_auditentry" in q["sql"] for q in primary.captured_queries)

    make_talent("李娜", bank, born=date(1990, 1, 1).strftime("%Y%m%d"))  # written to the primary …
    page = office.get("/dashboards/").content.decode()  # … and on the mirror at once
    assert int(re.search(r'id="figure-total">.*?figure-value">(\d+)', page, re.S).group(1)) == total + 1
