from django.contrib import admin

from tuijin.enterprises.models import Enterprise, EnterpriseYear, KeptEnterprise


class EnterpriseYearInline(admin.TabularInline):
    model = EnterpriseYear
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "zone", "unit", "above_scale")
    list_filter = ("zone", "above_scale")
    search_fields = ("name", "credit_code")
    inlines = [EnterpriseYearInline]


@admin.register(KeptEnterprise)
class KeptEnterpriseAdmin(admin.ModelAdmin):
    list_display = ("enterprise", "year", "target_revenue", "zone")
    list_filter = ("zone", "year")
