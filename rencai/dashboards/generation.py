"""Writing a generated document, at once or in the background (django-tasks)."""

from django.core.files.base import ContentFile
from django.db import transaction
from django_tasks import task

from rencai.core.context import acting_user
from rencai.core.errors import Refused
from rencai.core.routing import replica_reads
from rencai.dashboards.data import Scope
from rencai.dashboards.documents import render
from rencai.dashboards.figures import Period
from rencai.dashboards.models import DocumentState, GeneratedDocument
from rencai.orgs.models import Organization


def refuse_unseen_scope(user, organization_id: int | None) -> None:
    """A document is written only for the city or an institution the user may see."""
    if organization_id and not Organization.objects.visible_to(user).filter(pk=organization_id).exists():
        raise Refused("您无权查看该机构的数据，不能以其为范围生成文稿。")


def generate(document: GeneratedDocument) -> None:
    """Write the .docx of ``document`` for its year and scope, as its requester sees them."""
    user = document.requested_by
    refuse_unseen_scope(user, document.organization_id)
    scope = Scope(user=user, period=Period(document.year), organization=document.organization)
    with replica_reads():  # the figures read from the replica when there is one
        content, missing = render(document.template, scope)
    document.file.save(
        f"{document.template.get_kind_display()}-{document.year}-{document.pk}.docx", ContentFile(content), save=False
    )
    document.missing = missing
    document.state = DocumentState.DONE
    document.message = f"缺失{len(missing)}项数据" if missing else ""
    document.version += 1
    document.save()


def generate_later(document: GeneratedDocument) -> None:
    transaction.on_commit(lambda: generate_document.enqueue(document.pk))


@task()
def generate_document(document_id: int) -> None:
    document = GeneratedDocument.objects.select_related("template", "requested_by", "organization").get(pk=document_id)
    token = acting_user.set(document.requested_by)
    try:
        generate(document)
    except Exception as exc:
        document.state = DocumentState.FAILED
        document.message = str(exc)[:500]
        document.version += 1
        document.save()
        raise
    finally:
        acting_user.reset(token)
