"""Forms of the ticket pages. They only shape input; every rule (zone, data scope, deadline) is in the services."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tuijin.campaigns.models import KeyTask
from tuijin.core.forms import StyledFormMixin
from tuijin.core.params import parse_ids
from tuijin.org.models import Unit
from tuijin.projects.models import Project
from tuijin.tickets.models import Ticket

NO_MATCH = _("No match")


class SearchSelect(forms.Select):
    """A picker whose options come from a search endpoint as one types (static/tuijin/pickers.js): only the chosen
    option is written into the page, so a long list (hundreds of projects) is never sent."""

    def __init__(self, url: str, attrs=None):
        super().__init__(attrs={"data-picker": "", "data-search-url": url, **(attrs or {})})

    def optgroups(self, name, value, attrs=None):
        chosen = parse_ids(value)  # a posted value that is no id (text, "²", 25 digits) is no choice
        queryset = getattr(self.choices, "queryset", None)
        if queryset is not None:  # the chosen record(s) only, and only from the field's (scoped) queryset
            self.choices = [("", "---------")] + [(obj.pk, str(obj)) for obj in queryset.filter(pk__in=chosen)]
        return super().optgroups(name, value, attrs)


class TicketForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    assignee_unit = forms.ModelChoiceField(label=_("assigned to"), queryset=Unit.objects.none(),
                                           widget=forms.Select(attrs={"data-picker": ""}))
    deadline = forms.DateField(label=_("resolve by"), widget=forms.DateInput(format="%Y-%m-%d",
                                                                              attrs={"type": "date"}))
    source = forms.ChoiceField(label=_("source"), choices=Ticket.Source.choices)
    project = forms.ModelChoiceField(label=_("project"), queryset=Project.objects.none(), required=False,
                                     widget=SearchSelect(""))
    key_task = forms.ModelChoiceField(label=_("key task"), queryset=KeyTask.objects.none(), required=False,
                                      widget=forms.Select(attrs={"data-picker": ""}))
    enterprise_record = forms.ModelChoiceField(label=_("enterprise in the register"), queryset=Ticket.objects.none(),
                                               required=False, widget=SearchSelect(""))
    enterprise = forms.CharField(label=_("enterprise (not in the register)"), max_length=200, required=False)

    def __init__(self, *args, member=None, zone=None, search_url: str = "", enterprise_search_url: str = "",
                 **kwargs):
        super().__init__(*args, **kwargs)
        # A ticket may be assigned to any unit of the zone; it may concern only records the member sees.
        self.fields["assignee_unit"].queryset = Unit.objects.filter(zone=zone, is_active=True)
        self.fields["project"].queryset = Project.objects.restrict(member).filter(zone=zone)
        self.fields["project"].widget.attrs["data-search-url"] = search_url
        self.fields["key_task"].queryset = KeyTask.objects.restrict(member).filter(zone=zone)
        # The register sits above tickets: its model is reached through the ticket's own field, not imported.
        enterprise_model = Ticket._meta.get_field("enterprise_record").related_model
        self.fields["enterprise_record"].queryset = enterprise_model.objects.restrict(member).filter(zone=zone)
        self.fields["enterprise_record"].widget.attrs["data-search-url"] = enterprise_search_url
        for name in ("assignee_unit", "project", "key_task", "enterprise_record"):
            self.fields[name].widget.attrs["data-no-results"] = str(NO_MATCH)


class RateForm(StyledFormMixin, forms.Form):
    """The enterprise's rating of a closed request, recorded by whoever raised it."""

    satisfaction = forms.ChoiceField(label=_("satisfaction"), choices=Ticket.Satisfaction.choices,
                                     widget=forms.RadioSelect)
    comment = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                              max_length=2000)
