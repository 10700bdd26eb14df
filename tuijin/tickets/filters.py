"""The inbox's filters, read from an address (core/params.py)."""
from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone

from tuijin.core.params import IdFilter, ParamFilterSet, TextFilter
from tuijin.tickets.models import Ticket

DONE = [Ticket.State.RESOLVED, Ticket.State.CLOSED]


class TicketFilter(ParamFilterSet):
    state = django_filters.ChoiceFilter(choices=Ticket.State.choices)
    unit = IdFilter(field_name="assignee_unit")
    source = django_filters.ChoiceFilter(choices=Ticket.Source.choices)
    open = django_filters.ChoiceFilter(choices=(("1", "1"), ("0", "0")), method="filter_open")
    task = IdFilter(field_name="key_task")
    project = IdFilter(field_name="project")
    q = TextFilter(method="filter_q")
    overdue = django_filters.ChoiceFilter(choices=(("1", "1"),), method="filter_overdue")

    class Meta:
        model = Ticket
        fields: list = []

    def filter_open(self, qs, name, value):
        return qs.exclude(state__in=DONE) if value == "1" else qs

    def filter_q(self, qs, name, value):
        """A keyword in the title, the description, the enterprise or the project's name or code."""
        words = value.split()
        for w in words[:5]:
            qs = qs.filter(Q(title__icontains=w) | Q(description__icontains=w) | Q(enterprise__icontains=w)
                           | Q(project__name__icontains=w) | Q(project__code__icontains=w))
        return qs

    def filter_overdue(self, qs, name, value):
        """Past its deadline and not resolved (the deadline of 办结; acknowledgement and feedback lapses show on
        the ticket)."""
        return qs.exclude(state__in=DONE).filter(deadline__lt=timezone.localdate())
