from django.contrib import admin

from tuijin.campaigns.models import Campaign, KeyTask, Milestone, StageGoal
from tuijin.core.admin import ReadOnlyAdmin

# For reference only: the campaign, its key tasks and stage goals are written through the campaign services.


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ("theme", "zone", "year")
    list_filter = ("zone", "year")


@admin.register(KeyTask)
class KeyTaskAdmin(ReadOnlyAdmin):
    list_display = ("seq", "title", "campaign", "lead_unit", "status", "deadline")
    list_filter = ("zone", "status")


@admin.register(StageGoal)
class StageGoalAdmin(ReadOnlyAdmin):
    list_display = ("kind", "campaign", "due", "description")
    list_filter = ("zone", "kind")


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ("name", "task", "due", "done_on")
    list_filter = ("zone",)
