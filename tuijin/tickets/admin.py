from django.contrib import admin

from tuijin.tickets.models import Ticket, TicketEvent


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ("title", "zone", "assignee_unit", "state", "deadline")
    list_filter = ("zone", "state", "source")
    inlines = [TicketEventInline]
