from django.contrib import admin

from tuijin.core.admin import ReadOnlyAdmin, ReadOnlyInline
from tuijin.tickets.models import Ticket, TicketEvent


class TicketEventInline(ReadOnlyInline):
    model = TicketEvent


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    """For reference only: a ticket moves only through its loop's actions (交办, 签收, 反馈, 销号), each recorded."""

    list_display = ("title", "zone", "assignee_unit", "state", "deadline")
    list_filter = ("zone", "state", "source")
    inlines = [TicketEventInline]
