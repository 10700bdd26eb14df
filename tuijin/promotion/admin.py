from django.contrib import admin

from tuijin.core.admin import ReadOnlyAdmin
from tuijin.promotion.models import Capital, Lead, Visit


@admin.register(Lead)
class LeadAdmin(ReadOnlyAdmin):
    list_display = ("name", "zone", "unit", "serving_unit", "source", "stage", "lead_on", "project")
    list_filter = ("zone", "stage", "source")
    search_fields = ("name", "investor")


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ("lead", "on", "kind", "zone")


@admin.register(Capital)
class CapitalAdmin(ReadOnlyAdmin):
    list_display = ("project", "kind", "on", "amount_cny", "amount_usd", "zone")
    list_filter = ("zone", "kind")
