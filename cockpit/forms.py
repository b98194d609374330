from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lib.dates import validate_sane_date
from programs.models import Programme

from .services.messages import BODY_MAX, SUBJECT_MAX


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX)
    body = forms.CharField(label=_("Message"), max_length=BODY_MAX,
                           widget=forms.Textarea(attrs={"rows": 10}),
                           help_text=_("Sent as you write it, to each recipient by email, and "
                                       "shown on their My page."))


class DashboardForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none(),
                                       required=False, empty_label=None)
    first = forms.DateField(label=_("From"), required=False, validators=[validate_sane_date],
                            widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(label=_("To"), required=False, validators=[validate_sane_date],
                           widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first: dt.date | None = data.get("first")
        last: dt.date | None = data.get("last")
        if first and last and last < first:
            raise ValidationError(_("The period cannot end before it starts."),
                                  code="end_before_start")
        return data
