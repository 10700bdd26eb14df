from django.contrib import admin

from tuijin.assessment.models import Claim, Commendation, CommendationEntry, Incident, Run, Scheme
from tuijin.core.admin import ReadOnlyAdmin, ReadOnlyInline

# For reference only: schemes, runs and commendation lists are written by the assessment pages and commands, whose
# services check the scheme, the data and who may publish.


@admin.register(Scheme)
class SchemeAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "zone", "version")
    list_filter = ("zone",)


@admin.register(Run)
class RunAdmin(ReadOnlyAdmin):
    list_display = ("title", "zone", "scheme", "year", "published")
    list_filter = ("zone", "published")


class CommendationEntryInline(ReadOnlyInline):
    model = CommendationEntry


@admin.register(Commendation)
class CommendationAdmin(ReadOnlyAdmin):
    list_display = ("title", "zone", "year")
    list_filter = ("zone",)
    inlines = [CommendationEntryInline]


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ("title", "zone", "unit", "year", "kind", "points", "granted", "state")
    list_filter = ("zone", "state", "kind")


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ("title", "zone", "unit", "kind", "occurred_on")
    list_filter = ("zone", "kind")
