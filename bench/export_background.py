"""A large export as a background task (issue 25 item 4) beside the streamed download.

Loads N talents as ``bench/leader_view.py`` does (``bench/talent_search.py``'s COPY
loader), then, for the office, times in the same run:

* the streamed download of the talents list (the request reads and zips every row);
* the background path: the export link's answer (a redirect to the job page: count and
  queue), the task writing the file (``export_jobs.process_job``, what the database worker
  runs), the download of the file, and the purge once it has expired.

It checks that the file holds every row and that no file is left after the purge. The
last line is one JSON object.

    DATABASE_URL=postgres://rencai:rencai@127.0.0.1:5433/rencai_bench_i25 \\
        python bench/export_background.py --talents 1000000

``--smoke`` loads 3,000 talents into the database named (CI).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import leader_view as lv  # noqa: E402
import talent_search as ts  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--talents", type=int, default=1_000_000)
    parser.add_argument("--smoke", action="store_true", help="3,000 talents: that it runs, in seconds")
    parser.add_argument("--force", action="store_true", help="allow a database whose name lacks 'bench'")
    parser.add_argument("--seed", type=int, default=ts.SEED)
    args = parser.parse_args(argv)
    if args.smoke:
        args.talents = min(args.talents, 3000)
    ts.setup_django(args.force)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from rencai.core.models import ExportJob, ExportStatus
    from rencai.core.objects import export_jobs
    from rencai.talents.models import Talent

    print(
        f"database: {connection.settings_dict['NAME']} on {connection.settings_dict['HOST']}:{connection.settings_dict['PORT']}"
    )
    call_command("migrate", verbosity=0)
    ref = ts.ensure_reference_data()
    if ts.talent_count() != args.talents:
        print(f"  loading {args.talents:,} talents …", flush=True)
        ts.load_talents(args.talents, ref, args.seed)
    users = lv.ensure_users(ref)
    client = lv.client_for(users["office"])
    talents = Talent.objects.count()
    media = tempfile.mkdtemp(prefix="rencai-bench-exports-")
    settings.MEDIA_ROOT = media
    load_before = os.getloadavg()
    try:
        streamed = lv.export(client)  # lifts the background threshold itself
        settings.RENCAI_EXPORT_BACKGROUND_ROWS = 0
        started = time.perf_counter()
        response = client.get("/o/talents/export/")
        enqueue_ms = (time.perf_counter() - started) * 1000
        if response.status_code != 302 or "/exports/" not in response["Location"]:
            raise SystemExit(f"the export link answered {response.status_code}, not a redirect to its job")
        job = ExportJob.objects.latest("pk")
        started = time.perf_counter()
        export_jobs.process_job(job.pk)
        write_s = time.perf_counter() - started
        job.refresh_from_db()
        if job.status != ExportStatus.DONE or job.rows != talents:
            raise SystemExit(f"background export {job.status}: {job.rows} of {talents} rows; {job.message}")
        size = os.path.getsize(job.file.path)
        started = time.perf_counter()
        download = client.get(f"/exports/{job.pk}/download/")
        downloaded = sum(len(chunk) for chunk in download.streaming_content)
        download_s = time.perf_counter() - started
        if download.status_code != 200 or downloaded != size:
            raise SystemExit(f"download answered {download.status_code}, {downloaded} of {size} bytes")
        ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=2))
        export_jobs.purge_files()
        left = sum(1 for p in Path(media).rglob("*") if p.is_file())
    finally:
        shutil.rmtree(media, ignore_errors=True)
    load_after = os.getloadavg()
    background_rows_per_s = talents / write_s
    streamed_rows_per_s = talents / streamed["total_s"]
    print(
        f"\n{talents:,} talents; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after on {os.cpu_count()} CPUs"
    )
    print(f"  streamed download: {streamed['total_s']:.2f} s, {streamed_rows_per_s:,.0f} rows/s")
    print(f"  background: link answers in {enqueue_ms:.0f} ms (count + queue)")
    print(
        f"  background: file written in {write_s:.2f} s, {background_rows_per_s:,.0f} rows/s, {size / 1e6:.1f} MB"
        f" ({background_rows_per_s / streamed_rows_per_s:.2f}× the streamed rate)"
    )
    print(f"  background: download {download_s:.2f} s; files left after the purge: {left}")
    print(
        json.dumps(
            {
                "talents": talents,
                "streamed_rows_per_s": round(streamed_rows_per_s),
                "background_enqueue_ms": round(enqueue_ms, 1),
                "background_rows_per_s": round(background_rows_per_s),
                "background_bytes": size,
                "download_s": round(download_s, 3),
                "files_left": left,
                "load_before": round(load_before[0], 2),
                "load_after": round(load_after[0], 2),
            }
        )
    )
    return 0 if left == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
