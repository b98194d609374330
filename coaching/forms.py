"""Forms of the coaching pages. They shape input; the services decide what is allowed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Leader, Unit
from lib.dates import aware_or_refuse, validate_sane_date

from .models import BookingStatus, CoachProfile, DevelopmentProject, DiscoveryMethod
from .semesters import Semester

ANSWER_WIDGET = forms.Textarea(attrs={"rows": 3})


def _project_fields() -> dict[str, forms.CharField]:
    fields = {}
    for name in DevelopmentProject.ANSWER_FIELDS:
        model_field = DevelopmentProject._meta.get_field(name)
        fields[name] = forms.CharField(label=model_field.verbose_name, required=False,
                                       max_length=4000, widget=ANSWER_WIDGET)
    return fields


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        # Indent by depth so the tree reads as a tree in a plain select.
        return "\u2003" * (obj.depth - 1) + obj.name


class ApplicationForm(forms.Form):
    semester = forms.ChoiceField(label=_("Semester"))
    ordering_unit = UnitChoiceField(
        queryset=Unit.objects.none(), label=_("Ordering unit"),
        help_text=_("The unit that pays. The supplier sends the invoice to this unit."))
    programme = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Programme"),
        help_text=_("Only if the coaching is part of a programme you take part in."))
    discovery_method = forms.ChoiceField(
        label=_("How will you find your development areas?"), choices=DiscoveryMethod.choices,
        widget=forms.RadioSelect, initial=DiscoveryMethod.NONE)

    def __init__(self, *args: Any, leader: Leader, semesters: list[Semester],
                 programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.semesters = {s.key: s for s in semesters}
        self.fields["semester"].choices = [(s.key, s.label) for s in semesters]
        self.fields["ordering_unit"].queryset = Unit.objects.in_organisation(
            leader.organisation_id)
        self.fields["ordering_unit"].initial = leader.unit_id
        if programmes is None:
            del self.fields["programme"]
        else:
            self.fields["programme"].queryset = programmes
        self.fields.update(_project_fields())

    def clean_semester(self) -> Semester:
        semester = self.semesters.get(self.cleaned_data["semester"])
        if semester is None:
            raise forms.ValidationError(_("Choose one of the semesters in the list."))
        return semester

    def answers(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in
                DevelopmentProject.ANSWER_FIELDS}


class ProjectForm(forms.Form):
    shared_with_coach = forms.BooleanField(
        required=False, label=DevelopmentProject._meta.get_field("shared_with_coach").verbose_name,
        help_text=DevelopmentProject._meta.get_field("shared_with_coach").help_text)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shared = self.fields.pop("shared_with_coach")
        self.fields.update(_project_fields())
        self.fields["shared_with_coach"] = shared

    def answers(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in
                DevelopmentProject.ANSWER_FIELDS}


class ReflectionForm(forms.Form):
    same_for_everyone = True  # its blank HTML is kept per language (lib/blank_forms.py)

    body = forms.CharField(label=_("New reflection note"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")),
                                                                ("reject", _("Decline"))])
    note = forms.CharField(label=_("Reason (optional)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class SlotField(forms.Field):
    """A slot's start as posted by its button: local ISO time with offset."""

    def to_python(self, value: Any) -> dt.datetime | None:
        value = str(value or "").strip()
        if not value:
            return None
        try:
            if len(value) > 40:
                raise ValueError
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            raise forms.ValidationError(_("Choose one of the times in the list.")) from None
        # Year 9999 would overflow once the session's length or the time zone is added.
        return aware_or_refuse(parsed)


class BookingForm(forms.Form):
    starts_at = SlotField(label=_("Time"))
    mode = forms.ChoiceField(label=_("How do you want to meet?"), widget=forms.RadioSelect)
    # Set by the confirmation page; a click on a time alone only asks.
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, coach: CoachProfile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mode"].choices = coach.mode_choices()
        if coach.modes:
            self.fields["mode"].initial = coach.modes[0]


class RescheduleForm(forms.Form):
    starts_at = SlotField(label=_("New time"))


class MarkForm(forms.Form):
    status = forms.ChoiceField(choices=[(BookingStatus.HELD.value, _("held")),
                                        (BookingStatus.NO_SHOW.value, _("no-show"))])


class BlockForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}),
                           validators=[validate_sane_date])
    starts_at = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends_at = forms.TimeField(label=_("To"), widget=forms.TimeInput(attrs={"type": "time"}))
    note = forms.CharField(label=_("Note (only you and O&F see it)"), required=False,
                           max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The end must be after the start."))
        return data

    def interval(self) -> tuple[dt.datetime, dt.datetime]:
        day = self.cleaned_data["date"]
        return (timezone.make_aware(dt.datetime.combine(day, self.cleaned_data["starts_at"])),
                timezone.make_aware(dt.datetime.combine(day, self.cleaned_data["ends_at"])))


class CoachChoiceForm(forms.Form):
    coach = forms.UUIDField(widget=forms.HiddenInput)
