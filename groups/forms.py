from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.dates import validate_sane_date

from .models import (
    MAX_COMMITMENTS,
    ProcessSession,
    Purpose,
)
from .services import CommitmentInput

if TYPE_CHECKING:
    from accounts.models import User

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class PosterForm(forms.Form):
    # No max_length here or in the templates: a browser's maxlength cuts pasted text
    # silently (issue 21). The service refuses too long text with a message instead.
    lead = forms.CharField(
        label=_("Lead sentence"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The sentence the commitments complete."))
    # The version this edit started from; a save on an older base is kept as its own
    # version and the author is told that someone else saved in between.
    base_version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class CommitmentForm(forms.Form):
    text = forms.CharField(label=_("Commitment"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    purpose = forms.ChoiceField(label=_("Purpose"), required=False,
                                choices=[("", _("(no purpose chosen)")), *Purpose.choices])


CommitmentFormSet = forms.formset_factory(
    CommitmentForm, extra=0, max_num=MAX_COMMITMENTS, validate_max=True, absolute_max=50)


def commitment_formset(*, data: Any = None, initial: list[dict[str, str]] | None = None,
                       blank_rows: int = 2) -> Any:
    """A formset with the version's commitments and a few empty rows to write in."""
    initial = list(initial or [])
    room = max(0, MAX_COMMITMENTS - len(initial))
    initial += [{"text": "", "purpose": ""}] * min(blank_rows, room)
    return CommitmentFormSet(data=data, initial=None if data is not None else initial,
                             prefix="commitments")


def commitments_from(formset: Any) -> list[CommitmentInput]:
    return [CommitmentInput(text=f.cleaned_data.get("text", ""),
                            purpose=f.cleaned_data.get("purpose", ""))
            for f in formset.forms if f.cleaned_data.get("text", "").strip()]


class CommentForm(forms.Form):
    same_for_everyone = True  # its blank HTML is kept per language (lib/blank_forms.py)

    body = forms.CharField(label=_("Your comment"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class PdfForm(forms.Form):
    page_size = forms.ChoiceField(
        label=_("Paper size"), initial="A3",
        choices=[("A4", _("A4 portrait")), ("A3", _("A3 portrait"))],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}))


class SessionForm(forms.ModelForm):
    planned_at = forms.DateTimeField(
        label=_("Planned for"), input_formats=[DATETIME_LOCAL], validators=[validate_sane_date],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL))
    held_on = forms.DateField(
        label=_("Held on"), required=False, validators=[validate_sane_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Fill in when the session has taken place."))

    class Meta:
        model = ProcessSession
        fields = ["planned_at", "held_on", "topic", "meeting", "location", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 5})}


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    instructions = forms.CharField(
        label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What to try in practice and reflect on before the next session."))
    due_on = forms.DateField(label=_("Due"), required=False, validators=[validate_sane_date],
                             widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class PlanSessionsForm(forms.Form):
    """O&F plans a group's whole series of sessions at once (admin action)."""

    first_at = forms.DateTimeField(
        label=_("Start session"), input_formats=[DATETIME_LOCAL], validators=[validate_sane_date],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("Date and time of the start session; the others follow at the interval."))
    development_sessions = forms.TypedChoiceField(
        label=_("Development sessions"), coerce=int, initial=5,
        choices=[(5, "5"), (6, "6")])
    interval_days = forms.IntegerField(label=_("Days between sessions"), initial=28,
                                       min_value=7, max_value=92)
    duration_minutes = forms.IntegerField(label=_("Length of each session (minutes)"),
                                          initial=180, min_value=15, max_value=480)
    meeting = forms.CharField(
        label=_("Existing meeting"), max_length=200, required=False,
        help_text=_("The group's regular meeting the sessions are part of."))
    location = forms.CharField(label=_("Place"), max_length=200, required=False)


class WaveForm(forms.Form):
    """O&F puts leader groups into a rollout wave (admin action)."""

    wave = forms.ModelChoiceField(label=_("Rollout wave"), queryset=None, required=False,
                                  empty_label=_("(no wave yet)"))
    facilitator = forms.ModelChoiceField(
        label=_("Facilitator"), queryset=None, required=False,
        empty_label=_("(keep or choose later)"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        from accounts.models import User

        from .models import RolloutWave

        super().__init__(*args, **kwargs)
        self.fields["wave"].queryset = RolloutWave.objects.visible_to(user)
        self.fields["facilitator"].queryset = User.objects.visible_to(user).filter(
            is_facilitator=True, is_active=True)
