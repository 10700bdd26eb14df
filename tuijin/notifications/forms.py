from django import forms
from django.utils.translation import gettext_lazy as _

from tuijin.core.forms import StyledFormMixin
from tuijin.notifications.models import SECRET_MAX, URL_MAX


class ChannelsForm(StyledFormMixin, forms.Form):
    """The zone's robots, e-mail and schedule. Addresses and the secret are never shown back: left empty, the
    stored ones stay. Numbers are checked by the service (``channels_save``), the same for the page and the API."""

    dingtalk_url = forms.CharField(label=_("DingTalk robot webhook"), max_length=URL_MAX, required=False,
                                   widget=forms.TextInput(attrs={"autocomplete": "off"}))
    dingtalk_secret = forms.CharField(label=_("DingTalk signing secret"), max_length=SECRET_MAX, required=False,
                                      widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    clear_dingtalk = forms.BooleanField(label=_("remove the DingTalk robot"), required=False)
    wecom_url = forms.CharField(label=_("WeCom robot webhook"), max_length=URL_MAX, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    clear_wecom = forms.BooleanField(label=_("remove the WeCom robot"), required=False)
    email_enabled = forms.BooleanField(label=_("send e-mail"), required=False)
    filing_day = forms.CharField(label=_("filing deadline (day of the next month)"), max_length=12)
    reminder_enabled = forms.BooleanField(label=_("filing reminders"), required=False)
    reminder_days = forms.CharField(label=_("remind this many days before the deadline"), max_length=12)
    escalate_enabled = forms.BooleanField(label=_("daily overdue escalation"), required=False)
    run_hour = forms.CharField(label=_("hour of the day the jobs run"), max_length=12)


class ReminderForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("note"), max_length=200, required=False)
