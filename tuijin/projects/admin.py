from django.contrib import admin

from tuijin.core.admin import ReadOnlyAdmin
from tuijin.projects.models import LagRuleSetting, NodePlanTemplate, Project, TemplateNode


class TemplateNodeInline(admin.TabularInline):
    model = TemplateNode
    extra = 0
    fk_name = "template"


@admin.register(NodePlanTemplate)
class NodePlanTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "zone", "category")
    inlines = [TemplateNodeInline]


@admin.register(LagRuleSetting)
class LagRuleSettingAdmin(admin.ModelAdmin):
    list_display = ("zone", "due_soon_days", "stale_days")


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    """For reference only: a project is written through the ledger's pages, API and import (its services check scope, dates and amounts)."""

    list_display = ("code", "name", "zone", "unit", "stage", "status")
    list_filter = ("zone", "stage", "category")
    search_fields = ("code", "name")
