"""Import jobs: an uploaded file, checked then committed in the background.

Progress and the cancel switch live in the ``imports`` cache (files under ``var/`` by
default), not in the database: while a commit runs, its transaction holds the import's
rows — and on SQLite the write lock — until it ends, so the page that shows progress and
the button that cancels must not need the database.
"""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from rencai.core import audit
from rencai.core.imports.pipeline import ImportCancelled, ImportReport, Progress, run_import
from rencai.core.imports.reading import ImportFileError
from rencai.core.imports.schema import context_for
from rencai.core.models import AuditAction, ImportJob, ImportStatus
from rencai.core.objects import registered

if TYPE_CHECKING:
    from rencai.orgs.models import Organization

logger = logging.getLogger(__name__)


class ImportRefused(Exception):
    """An upload that cannot start (too large, or the same file already running)."""


# --- state outside the database --------------------------------------------------------


def _state() -> BaseCache:
    return caches["imports"]


def report_progress(job_id: int, done: int, total: int) -> None:
    _state().set(f"import:{job_id}:progress", (done, total, time.time()))


def read_progress(job_id: int) -> tuple[int, int, float] | None:
    found: tuple[int, int, float] | None = _state().get(f"import:{job_id}:progress")
    return found


def request_cancel(job: ImportJob) -> None:
    """Ask a running job to stop; a queued one stops at once."""
    _state().set(f"import:{job.pk}:cancel", True)
    if job.status in (ImportStatus.QUEUED, ImportStatus.PREVIEW):
        _finish(job, ImportStatus.CANCELLED, _("已取消，数据库未作任何修改。"))


def cancel_requested(job_id: int) -> bool:
    return bool(_state().get(f"import:{job_id}:cancel"))


def progress_of(job: ImportJob) -> tuple[int, int]:
    found = read_progress(job.pk)
    if found is None:
        return job.progress_done, job.progress_total
    return found[0], found[1]


def mark_if_stale(job: ImportJob) -> ImportJob:
    """A running job whose progress has not moved for a while lost its worker (killed,
    restarted): its transaction was rolled back, so say so."""
    if job.status not in (ImportStatus.CHECKING, ImportStatus.COMMITTING):
        return job
    found = read_progress(job.pk)
    last = found[2] if found else (job.heartbeat_at.timestamp() if job.heartbeat_at else 0)
    if time.time() - last > settings.RENCAI_IMPORT_STALE_SECONDS:
        _finish(job, ImportStatus.FAILED, _("后台任务中断（进程被终止或重启），本次导入未写入任何数据，请重新上传。"))
    return job


# --- starting ------------------------------------------------------------------------


def create_job(
    user: Any,
    slug: str,
    upload: UploadedFile,
    organization: Organization | None = None,
    all_or_nothing: bool = True,
) -> ImportJob:
    """Store the upload and queue its check; refuses an oversized file or the same file
    while an earlier upload of it is still running."""
    size, name = upload.size, upload.name
    assert size is not None and name is not None  # Django sets both on every uploaded file
    if size > settings.RENCAI_IMPORT_MAX_BYTES:
        limit = settings.RENCAI_IMPORT_MAX_BYTES // (1024 * 1024)
        raise ImportRefused(_("文件超过 %(limit)s MB，请拆分后分批导入。") % {"limit": limit})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    sha = digest.hexdigest()
    running = ImportJob.objects.filter(object_slug=slug, file_sha256=sha, status__in=ImportJob.ACTIVE)
    if running.exists():
        raise ImportRefused(_("同一文件正在导入中，请等待其完成后再上传。"))
    upload.seek(0)
    job = ImportJob.objects.create(
        object_slug=slug,
        user=user,
        organization=organization,
        file=upload,
        file_name=name[:200],
        file_sha256=sha,
        file_size=size,
        all_or_nothing=all_or_nothing,
    )
    # A switch left by an earlier job of the same id (a database restored or recreated).
    _state().delete_many([f"import:{job.pk}:cancel", f"import:{job.pk}:progress"])
    start(job, commit=False)
    return job


def confirmable_rows(job: ImportJob) -> set[int]:
    """The preview's rows whose only problem is a rename or move awaiting confirmation."""
    codes: dict[int, set[str]] = {}
    for error in job.errors:
        codes.setdefault(int(error["row"]), set()).add(error["code"])
    return {row for row, found in codes.items() if found == {"needs_confirmation"}}


def confirm(job: ImportJob, rows: list[int], departments: bool = False) -> None:
    """Record what the importer confirmed with the commit: these rows' renames and moves
    (only rows the preview asked about), and whether missing departments are created."""
    job.confirmations = {"rows": sorted(set(rows) & confirmable_rows(job)), "departments": departments}
    job.save(update_fields=["confirmations"])


def choose_valid_rows_only(job: ImportJob, valid_rows_only: bool) -> str | None:
    """Before a commit: the whole file (the default), or — the importer's explicit choice —
    only its valid rows. Returns why the commit cannot go ahead, or None."""
    confirmed = set(job.confirmations.get("rows", [])) if isinstance(job.confirmations, dict) else set()
    if job.summary.get("to_create") and not job.confirmations.get("departments"):
        return _("文件中有尚未建立的部门（%(departments)s）：请勾选“同时新建这些部门”后导入，或改正后重新上传。") % {
            "departments": "、".join(job.summary["to_create"][:10])
        }
    rejected = job.summary.get("rejected", 0) - len(confirmed)
    if not job.summary.get("valid_rows") and not confirmed:
        return _("没有可导入的有效行。")
    if valid_rows_only:
        job.all_or_nothing = False
        job.save(update_fields=["all_or_nothing"])
        return None
    if rejected:
        return _(
            "文件有 %(rejected)s 行错误，整份文件不能导入。请改正后重新上传，"
            "或明确选择只导入 %(valid)s 行有效数据（略过 %(rejected)s 行）。"
        ) % {"rejected": rejected, "valid": job.summary["valid_rows"]}
    job.all_or_nothing = True
    job.save(update_fields=["all_or_nothing"])
    return None


def start(job: ImportJob, commit: bool) -> None:
    """Run small files at once (the page shows the result straight away), queue the rest."""
    job.status = ImportStatus.QUEUED
    job.heartbeat_at = timezone.now()
    job.save(update_fields=["status", "heartbeat_at"])
    if job.file_size <= settings.RENCAI_IMPORT_INLINE_BYTES:
        process_job(job.pk, commit)
    else:
        (commit_import if commit else check_import).enqueue(job.pk)


@task()
def check_import(job_id: int) -> None:
    process_job(job_id, commit=False)


@task()
def commit_import(job_id: int) -> None:
    process_job(job_id, commit=True)


# --- running -------------------------------------------------------------------------


def process_job(job_id: int, commit: bool) -> None:
    """Check (``commit=False``) or commit one job, recording the outcome on it."""
    job = ImportJob.objects.select_related("user", "organization").get(pk=job_id)
    if job.status != ImportStatus.QUEUED:
        return
    if cancel_requested(job_id):
        _finish(job, ImportStatus.CANCELLED, _("已取消，数据库未作任何修改。"))
        return
    job.status = ImportStatus.COMMITTING if commit else ImportStatus.CHECKING
    job.heartbeat_at = timezone.now()
    job.save(update_fields=["status", "heartbeat_at"])
    report_progress(job_id, 0, 0)
    try:
        report = _run(job, commit)
    except ImportCancelled:
        _finish(job, ImportStatus.CANCELLED, _("已取消，数据库未作任何修改。"))
    except ImportFileError as exc:
        _finish(job, ImportStatus.FAILED, exc.message)
    except Exception as exc:  # noqa: BLE001 - the job must end in a state the user can read
        logger.exception("import job %s failed", job_id)
        _finish(job, ImportStatus.FAILED, _("导入出错，数据库未作任何修改：%(error)s") % {"error": exc})
    else:
        _record(job, report, commit)


def _run(job: ImportJob, commit: bool) -> ImportReport:
    config = registered()[job.object_slug]
    assert config.import_schema is not None  # only importable objects get jobs
    schema = config.import_schema()
    user = job.user
    context = context_for(user, job.organization, schema)
    confirmations = job.confirmations if isinstance(job.confirmations, dict) else {}
    context.extra["confirmed_rows"] = set(confirmations.get("rows", [])) if commit else set()
    context.extra["create_departments"] = bool(confirmations.get("departments")) and commit
    progress = Progress(
        report=lambda done, total: report_progress(job.pk, done, total), stop=lambda: cancel_requested(job.pk)
    )
    return run_import(
        schema,
        job.file.path,
        context,
        commit=commit,
        all_or_nothing=job.all_or_nothing,
        progress=progress,
    )


def _record(job: ImportJob, report: ImportReport, commit: bool) -> None:
    summary = report.summary()
    job.errors = summary.pop("errors")
    job.summary = summary
    job.progress_done = job.progress_total = report.data_rows
    if not commit:
        _finish(job, ImportStatus.PREVIEW, "")
        return
    if not report.committed:
        _finish(
            job,
            ImportStatus.FAILED,
            _("有 %(rejected)s 行错误，整份文件未导入（默认全部导入或全部不导入），未写入任何数据。")
            % {"rejected": report.rejected},
        )
        return
    _finish(
        job,
        ImportStatus.DONE,
        _("已导入：新增 %(created)s 条，修改 %(updated)s 条，未变 %(unchanged)s 条。")
        % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
    )
    audit.record(
        AuditAction.IMPORT,
        object_type=registered()[job.object_slug].model._meta.label_lower,
        object_id=str(job.pk),
        object_repr=job.file_name,
        changes={k: summary[k] for k in ("data_rows", "created", "updated", "unchanged", "rejected")}
        | {"file_sha256": job.file_sha256},
        user=job.user,
    )


def _finish(job: ImportJob, status: str, message: str) -> None:
    job.status = status
    job.message = message
    job.finished_at = timezone.now() if status != ImportStatus.PREVIEW else None
    if status != ImportStatus.PREVIEW:
        remove_file(job)
    job.save()


# --- the uploaded files ------------------------------------------------------------------


def remove_file(job: ImportJob) -> None:
    """Delete the uploaded file of a job that has ended (it holds personal data)."""
    if job.file:
        try:
            job.file.delete(save=False)
        except OSError:  # already gone
            logger.warning("import job %s: file %s could not be removed", job.pk, job.file.name)
        job.file = ""


def purge_files(now: datetime | None = None) -> dict[str, int]:
    """Expire previews left unconfirmed past the retention period, delete the files of
    ended jobs, and delete files under ``imports/`` that no job names."""
    import os
    from datetime import timedelta
    from pathlib import Path

    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.RENCAI_IMPORT_RETENTION_HOURS)
    expired = 0
    for job in ImportJob.objects.filter(status=ImportStatus.PREVIEW, created_at__lt=cutoff):
        _finish(
            job, ImportStatus.CANCELLED, _("预览超过保留期限未确认，已过期；上传的文件已删除，数据库未作任何修改。")
        )
        expired += 1
    removed = 0
    for job in ImportJob.objects.exclude(file="").exclude(status__in=(ImportStatus.PREVIEW, *ImportJob.ACTIVE)):
        remove_file(job)
        job.save(update_fields=["file"])
        removed += 1
    orphans = 0
    root = Path(settings.MEDIA_ROOT) / "imports"
    if root.is_dir():
        named = set(ImportJob.objects.exclude(file="").values_list("file", flat=True))
        for path in root.rglob("*"):
            if not path.is_file():
                continue
            name = path.relative_to(settings.MEDIA_ROOT).as_posix()
            if name not in named and path.stat().st_mtime < cutoff.timestamp():
                os.remove(path)
                orphans += 1
    return {"expired": expired, "removed": removed, "orphans": orphans}


@task()
def purge_import_files() -> dict[str, int]:
    return purge_files()
