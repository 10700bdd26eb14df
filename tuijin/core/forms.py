from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_noop

# Django 6.1's empty choice of a select has no Chinese in Django's own catalog yet; core's catalog gives it, and
# marking it here keeps it there through makemessages.
DJANGO_MESSAGES = [gettext_noop("- Select an option -")]


class StyledFormMixin:
    """Gives every widget its Bootstrap class, so templates can render ``{{ field }}`` as is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


def put_errors(form, exc: ValidationError) -> None:
    """A service's refusal back on the form: on the field it names, else at the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
