from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from tuijin.accounts.api import TokenView
from tuijin.core import views as core_views
from tuijin.core.api import site_router
from tuijin.indicators.api import DispatchView

router = site_router()

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("jobs/<int:pk>/", core_views.job_status, name="job_status"),
    path("zone/", core_views.zone_switch, name="zone_switch"),
    path("changes/", core_views.changelog_list, name="changelog"),
    path("operations/", core_views.operation_list, name="operation_log"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("tuijin.accounts.urls")),
    path("org/", include("tuijin.org.urls")),
    path("campaigns/", include("tuijin.campaigns.urls")),
    path("projects/", include("tuijin.projects.urls")),
    path("promotion/", include("tuijin.promotion.urls")),
    path("tickets/", include("tuijin.tickets.urls")),
    path("enterprises/", include("tuijin.enterprises.urls")),
    path("indicators/", include("tuijin.indicators.urls")),
    path("assessment/", include("tuijin.assessment.urls")),
    path("bulletins/", include("tuijin.bulletins.urls")),
    path("exchange/", include("tuijin.exchange.urls")),
    path("dashboard/", include("tuijin.dashboard.urls")),
    path("standing/", include("tuijin.standing.urls")),
    path("notifications/", include("tuijin.notifications.urls")),
    path("api/v1/auth/token", TokenView.as_view(), name="api_token"),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # Swagger UI with its setup script served from the same address (?script), not inline: the site's
    # Content-Security-Policy holds on this page too (docs/security.md)
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("api/v1/redoc/", csp_override(settings.API_REDOC_CSP)(SpectacularRedocView.as_view(url_name="api_schema")),
         name="api_redoc"),
    path("api/v1/dispatch/", DispatchView.as_view(), name="api_dispatch"),
    path("api/v1/", include(router.urls)),
    path("admin/", admin.site.urls),
]

# A write that timed out waiting for a lock answers 503 "系统繁忙,请稍后重试" instead of 500 (core.views).
handler500 = "tuijin.core.views.server_error"
