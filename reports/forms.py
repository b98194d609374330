from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from programs.models import Programme

from .documents import REPORT_LABELS


class ReportForm(forms.Form):
    REPORTS = list(REPORT_LABELS.items())

    kind = forms.ChoiceField(label=_("Report"), choices=REPORTS)
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    first = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}),
                            help_text=_("Empty: the programme's first day."))
    last = forms.DateField(label=_("To"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}),
                           help_text=_("Empty: the programme's last day."))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = (Programme.objects.visible_to(user)
                                             .order_by("-starts_on", "name"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last and last < first:
            self.add_error("last", _("The period must end on or after the day it starts."))
        return data
