"""What the dashboards write: a generated document, requested by a user for a year and a
scope, written at once or in the background."""

from rencai.dashboards.generation import generate, generate_later, refuse_unseen_scope
from rencai.dashboards.models import DocumentTemplate, GeneratedDocument
from rencai.orgs.models import Organization


def request_document(
    user, template: DocumentTemplate, year: int, organization: Organization | None, *, background: bool = False
) -> GeneratedDocument:
    """Record the request and write the document now, or queue it when ``background``.

    A scope the user may not see is refused (:class:`~rencai.core.errors.Refused`) before
    anything is recorded; the background task checks it again when it runs."""
    refuse_unseen_scope(user, organization.pk if organization else None)
    document = GeneratedDocument.objects.create(
        template=template, year=year, organization=organization, requested_by=user
    )
    if background:
        generate_later(document)
    else:
        generate(document)
    return document
