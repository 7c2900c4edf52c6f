"""Background tasks of the projects (django-tasks)."""

from django_tasks import task

from rencai.projects.services import recompute_all


@task()
def recompute_task_colours() -> int:
    """The daily recompute of every open task's warning colour."""
    return recompute_all()
