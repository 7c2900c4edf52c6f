"""Gunicorn settings for production (``gunicorn -c deploy/gunicorn.conf.py rencai.wsgi``).

Sized for a small machine: the work of a page is mostly Python (templates, scoping) with
short waits on PostgreSQL, so a few processes per core, each with a few threads, keep both
cores busy without a request queueing behind a slow one (2 sync workers queued 45 sessions
to p50 1.4 s). Database connections are reused (CONN_MAX_AGE, health-checked). See
bench/README.md for the load test that these figures come from."""

import multiprocessing
import os

bind = os.environ.get("RENCAI_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("RENCAI_WORKERS", str(multiprocessing.cpu_count() * 2)))
worker_class = "gthread"
threads = int(os.environ.get("RENCAI_THREADS", "4"))
#: Large exports and inline import checks take a while; anything beyond is a stuck worker.
timeout = int(os.environ.get("RENCAI_WORKER_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
#: Recycle workers now and then (memory of long-lived processes), not all at once.
max_requests = 5000
max_requests_jitter = 500
#: Load the application before forking: workers share its memory, and a broken
#: configuration fails at start, not at the first request.
preload_app = True

accesslog = os.environ.get("RENCAI_ACCESS_LOG", "-")
#: The path only (%(U)s), never the query string: a search for a full ID or mobile number
#: must not reach the logs in clear.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"


def post_fork(server, worker):
    # Each worker opens its own database connections (none inherited from the master).
    from django.db import connections

    for connection in connections.all():
        connection.close()
