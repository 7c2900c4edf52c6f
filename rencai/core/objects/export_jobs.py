"""Background exports: a list too large to stream while the browser waits.

Above ``RENCAI_EXPORT_BACKGROUND_ROWS`` rows the export page queues an :class:`ExportJob`
instead of streaming: a django-tasks task (the same database worker as imports) writes the
very workbook the streamed download would give — the same scoped, filtered queryset, the
same columns, the same masking (:func:`rencai.core.objects.exporting.export_plan`) — to a
folder of its own under ``MEDIA_ROOT/exports/``. Progress lives in the ``imports`` cache,
as an import's does: the rows are read inside one transaction, whose writes no other
connection would see before the end.

Files are removed on every path:

* the task fails (a row that cannot be read, a database error, the disk full): its folder
  is deleted before the job is marked failed, and the user reads a Chinese message;
* the worker is killed: the job is marked failed by the next look at it
  (:func:`mark_if_stale`) and its folder by the next purge;
* a written file is kept ``RENCAI_EXPORT_RETENTION_HOURS`` after it was finished, then
  :func:`purge_files` deletes it — run at every new background export and by
  ``manage.py purge_export_files`` (cron, hourly).

A download is a disclosure: each one is audited with the streamed export's wording.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import time
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from rencai.core import audit
from rencai.core.exports import stream_xlsx
from rencai.core.models import ExportJob, ExportStatus
from rencai.core.objects.config import registered
from rencai.core.objects.exporting import ExportPlan, export_plan

logger = logging.getLogger(__name__)

#: The folder (under ``MEDIA_ROOT``) that holds one sub-folder per background export.
FOLDER = "exports"
#: Rows between two progress reports.
PROGRESS_EVERY = 1000


# --- state outside the database (the import's cache) ---------------------------------------


def _state() -> BaseCache:
    return caches["imports"]


def _key(job_id: int) -> str:
    return f"export:{job_id}:progress"


def report_progress(job_id: int, done: int, total: int) -> None:
    _state().set(_key(job_id), (done, total, time.time()))


def read_progress(job_id: int) -> tuple[int, int, float] | None:
    found: tuple[int, int, float] | None = _state().get(_key(job_id))
    return found


def progress_of(job: ExportJob) -> tuple[int, int]:
    found = read_progress(job.pk) if job.is_active else None
    if found is None:
        return job.rows, job.total
    return found[0], found[1] or job.total


def mark_if_stale(job: ExportJob) -> ExportJob:
    """A running export whose progress has not moved for a while lost its worker."""
    if job.status != ExportStatus.RUNNING:
        return job
    found = read_progress(job.pk)
    started = job.started_at.timestamp() if job.started_at else 0
    last = max(found[2] if found else 0, started)
    if time.time() - last > settings.RENCAI_IMPORT_STALE_SECONDS:
        _remove_folders(job.pk)
        _finish(job, ExportStatus.FAILED, _("后台导出任务中断（进程被终止或重启），未生成文件，请重新导出。"))
    return job


# --- starting ------------------------------------------------------------------------------


def enqueue(plan: ExportPlan, user: Any, data: QueryDict, total: int) -> ExportJob:
    """Queue the export of ``plan`` (asked for with the query ``data``) for ``user``."""
    purge_files()
    job = ExportJob.objects.create(
        object_slug=plan.config.slug,
        user=user,
        query=[[key, value] for key, values in data.lists() for value in values],
        filters=audit.redact_query(data),
        selected=plan.selected,
        unmasked=plan.unmasked,
        total=total,
    )
    _state().delete(_key(job.pk))  # left by an earlier job of the same id (a database recreated)
    run_export.enqueue(job.pk)
    return job


@task()
def run_export(job_id: int) -> None:
    process_job(job_id)


# --- running -------------------------------------------------------------------------------


class _Counted:
    """The rows as they go into the workbook, counted and reported."""

    def __init__(self, job_id: int, total: int) -> None:
        self.job_id, self.total, self.done = job_id, total, 0

    def __call__(self, rows: Iterable[list[str]]) -> Iterator[list[str]]:
        for row in rows:
            yield row
            self.done += 1
            if self.done % PROGRESS_EVERY == 0:
                report_progress(self.job_id, self.done, self.total)


def process_job(job_id: int) -> None:
    """Write one queued export's file, recording the outcome on the job."""
    job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.status != ExportStatus.QUEUED:
        return
    config = registered().get(job.object_slug)
    user = job.user
    if config is None or not user.is_active or not config.can_view(user):
        _finish(job, ExportStatus.FAILED, _("您已无权导出该列表，未生成文件。"))
        return
    job.status = ExportStatus.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])
    report_progress(job.pk, 0, job.total)
    folder = export_root() / f"{job.pk}-{secrets.token_hex(8)}"
    counted = _Counted(job.pk, job.total)
    try:
        name = _write(job, config, folder, counted)
    except BaseException as exc:
        shutil.rmtree(folder, ignore_errors=True)
        job.rows = counted.done
        if not isinstance(exc, Exception):  # the worker is being stopped: clean up, then go
            _finish(job, ExportStatus.FAILED, _("后台导出任务中断（进程被终止或重启），未生成文件，请重新导出。"))
            raise
        logger.exception("export job %s failed after %s rows", job_id, counted.done)
        _finish(
            job,
            ExportStatus.FAILED,
            _(
                "导出失败：写到第 %(rows)s 行时出错，未生成文件（已写的部分已删除）。请稍后重试，或缩小筛选范围后再导出。"
            )
            % {"rows": counted.done + 1},
        )
        return
    job.file.name = (folder / name).relative_to(settings.MEDIA_ROOT).as_posix()
    job.file_name = name
    job.rows = counted.done
    job.total = counted.done  # the rows as they were when read (the list may have moved since the count)
    _finish(
        job,
        ExportStatus.DONE,
        _("导出已完成，共 %(rows)s 行；文件保留 %(hours)s 小时。")
        % {"rows": counted.done, "hours": settings.RENCAI_EXPORT_RETENTION_HOURS},
    )
    _tell(job, config.verbose_name_plural)


def _write(job: ExportJob, config: Any, folder: Path, counted: _Counted) -> str:
    data = QueryDict(mutable=True)
    for key, value in job.query:
        data.appendlist(key, value)
    plan = export_plan(config, job.user, data)
    # The job's own choice of masking, re-checked: a right lost since the click is lost.
    plan.unmasked = plan.unmasked and job.unmasked
    name = f"{config.slug}-{timezone.localtime().strftime('%Y%m%d%H%M')}.xlsx"
    folder.mkdir(parents=True, mode=0o700)
    partial = folder / f"{name}.part"
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        for chunk in stream_xlsx(config.verbose_name_plural, plan.headers, counted(plan.rows())):
            out.write(chunk)
    os.replace(partial, folder / name)
    return name


def _finish(job: ExportJob, status: str, message: str) -> None:
    job.status = status
    job.message = message
    job.finished_at = timezone.now()
    job.query = []  # the query may name a person; the redacted ``filters`` stay
    job.save()
    _state().delete(_key(job.pk))


def _tell(job: ExportJob, what: str) -> None:
    """The message centre: 导出已完成, with the link to the job's page."""
    from rencai.accounts.notices import notify

    notify(
        [job.user],
        _("导出已完成"),
        url=reverse("exports:job", kwargs={"pk": job.pk}),
        body=_("%(what)s的导出已完成，共 %(rows)s 行，请在 %(hours)s 小时内下载。")
        % {"what": what, "rows": job.rows, "hours": settings.RENCAI_EXPORT_RETENTION_HOURS},
        key=f"export:{job.pk}",
    )


# --- downloading ---------------------------------------------------------------------------


def expires_at(job: ExportJob) -> datetime | None:
    if job.finished_at is None:
        return None
    return job.finished_at + timedelta(hours=settings.RENCAI_EXPORT_RETENTION_HOURS)


def downloadable(job: ExportJob, now: datetime | None = None) -> bool:
    end = expires_at(job)
    return (
        job.status == ExportStatus.DONE
        and bool(job.file)
        and end is not None
        and (now or timezone.now()) < end
        and os.path.isfile(job.file.path)
    )


def record_download(job: ExportJob, request: Any) -> None:
    """The download's audit entry: the streamed export's wording, plus the job."""
    from rencai.core.objects.exporting import record_export

    record_export(
        registered()[job.object_slug],
        rows=job.rows,
        filters=job.filters,
        unmasked=job.unmasked,
        selected=len(job.selected),
        request=request,
        extra={"background_job": job.pk},
    )


# --- the files -----------------------------------------------------------------------------


def export_root() -> Path:
    return Path(settings.MEDIA_ROOT) / FOLDER


def _remove_folders(job_id: int) -> None:
    root = export_root()
    if root.is_dir():
        for folder in root.glob(f"{job_id}-*"):
            shutil.rmtree(folder, ignore_errors=True)


def purge_files(now: datetime | None = None) -> dict[str, int]:
    """Expire written files past the retention period, and delete every folder under
    ``exports/`` that no running or downloadable job owns (a failed job's, a killed
    worker's)."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.RENCAI_EXPORT_RETENTION_HOURS)
    expired = 0
    for job in ExportJob.objects.filter(status=ExportStatus.DONE, finished_at__lt=cutoff):
        _remove_folders(job.pk)
        job.status = ExportStatus.EXPIRED
        job.message = _("文件已超过保留期限，已删除；如需要请重新导出。")
        job.file = ""
        job.save(update_fields=["status", "message", "file"])
        expired += 1
    removed = 0
    root = export_root()
    if root.is_dir():
        active = set(ExportJob.objects.filter(status__in=ExportJob.ACTIVE).values_list("pk", flat=True))
        done = set(ExportJob.objects.filter(status=ExportStatus.DONE).exclude(file="").values_list("file", flat=True))
        for folder in root.iterdir():
            number = folder.name.split("-", 1)[0]
            if number.isdigit() and int(number) in active:
                continue
            files = (
                {p.relative_to(settings.MEDIA_ROOT).as_posix() for p in folder.iterdir()} if folder.is_dir() else set()
            )
            if files and files <= done:
                continue
            if folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)
            else:
                folder.unlink(missing_ok=True)
            removed += 1
    return {"expired": expired, "removed": removed}


@task()
def purge_export_files() -> dict[str, int]:
    return purge_files()
