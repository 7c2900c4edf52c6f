from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

import rencai.core.converters  # noqa: F401 - registers <id:…> before any URL module uses it
from rencai.core.objects.api import build_router
from rencai.core.objects.pages import object_urlpatterns

api_router = build_router()

urlpatterns = [
    path("", include("rencai.core.urls")),
    path("accounts/", include("rencai.accounts.urls")),
    path("talents/", include("rencai.talents.urls")),
    path("imports/", include("rencai.core.imports.urls")),
    path("exports/", include("rencai.core.objects.export_urls")),
    path("evaluation/", include("rencai.evaluation.urls")),
    path("selections/", include("rencai.selections.urls")),
    path("training/", include("rencai.training.urls")),
    path("returns/", include("rencai.returns.urls")),
    path("bulletins/", include("rencai.bulletins.urls")),
    path("funds/", include("rencai.funds.urls")),
    path("cooperation/", include("rencai.cooperation.urls")),
    path("projects/", include("rencai.projects.urls")),
    path("assessment/", include("rencai.assessment.urls")),
    path("dashboards/", include("rencai.dashboards.urls")),
    path("api/imports/", include("rencai.core.imports.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include((object_urlpatterns(), "objects"))),
    path("api/", include(api_router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
