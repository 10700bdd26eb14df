from django.contrib import admin

from tuijin.standing.models import Assessment, Goal, IndicatorLead, Ranking, Result, Shortfall, ZoneListing


class RankingInline(admin.TabularInline):
    model = Ranking
    extra = 0


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("title", "issuer", "level", "year", "zones_evaluated", "owner")
    list_filter = ("level", "issuer", "owner")
    inlines = [RankingInline]


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ("subject_name", "province", "ranking", "rank", "of", "score", "tier", "owner")
    list_filter = ("ranking__assessment__year", "province")
    search_fields = ("subject_name",)


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ("zone", "level", "label", "target_rank", "target_score")


@admin.register(IndicatorLead)
class IndicatorLeadAdmin(admin.ModelAdmin):
    list_display = ("zone", "code", "name", "unit")
    list_filter = ("zone",)


admin.site.register(ZoneListing)
admin.site.register(Shortfall)
