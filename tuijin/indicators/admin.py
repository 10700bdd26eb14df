from django.contrib import admin

from tuijin.indicators.models import DispatchRule, Indicator, MonthlyPlan


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "zone", "unit", "rollup", "is_main")
    list_filter = ("zone",)


@admin.register(DispatchRule)
class DispatchRuleAdmin(admin.ModelAdmin):
    list_display = ("zone", "red_gap_pp", "yellow_gap_pp", "red_yoy_drop", "jump_factor")


admin.site.register(MonthlyPlan)
