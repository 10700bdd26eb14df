from django import forms

from tuijin.core.params import IdField


class CompareForm(forms.Form):
    """``?a=<run>&b=<run>``: the two runs to compare."""

    a = IdField(required=True)
    b = IdField(required=True)
