"""Forms check the shape of the input; the rules themselves live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Leader, User
from lib.dates import format_date

from .models import Answer, MeetingStatus, NetworkGroup, NetworkMeeting, NetworkPlan, Slot
from .services.groups import MAX_GROUP_SIZE


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class ProposeForm(forms.Form):
    min_size = forms.IntegerField(label=_("Smallest group"), min_value=2,
                                  max_value=MAX_GROUP_SIZE)
    max_size = forms.IntegerField(label=_("Largest group"), min_value=2,
                                  max_value=MAX_GROUP_SIZE)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("min_size"), data.get("max_size")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError(_("The smallest group cannot be larger than the largest."))
        return data


class MoveForm(forms.Form):
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=Leader.objects.none(),
                                    empty_label=_("Choose a leader"))
    group = forms.ModelChoiceField(label=_("Move to group"), queryset=NetworkGroup.objects.none(),
                                   to_field_name="uuid", empty_label=_("Choose a group"))

    def __init__(self, *args: Any, plan: NetworkPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = (
            Leader.objects.filter(programme_participations__programme_id=plan.programme_id)
            .select_related("user").order_by("user__full_name"))
        self.fields["group"].queryset = plan.groups.order_by("position", "name")


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    facilitator = forms.ModelChoiceField(label=_("Facilitator"), required=False,
                                         queryset=User.objects.none(),
                                         empty_label=_("None chosen"))

    def __init__(self, *args: Any, plan: NetworkPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = User.objects.filter(
            organisation_id=plan.programme.organisation_id, is_facilitator=True,
            is_active=True).order_by("full_name")


class GroupCreateForm(forms.Form):
    name = forms.CharField(label=_("Name of the new group"), max_length=80)


def slot_choices() -> list[tuple[str, Any]]:
    return [("", _("time to be agreed")), *Slot.choices]


class MeetingForm(forms.Form):
    """A meeting changed by hand; initial values come from the meeting. A new slot without
    new times gets the slot's usual times; no slot means the time is to be agreed."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    slot = forms.ChoiceField(label=_("Slot"), choices=slot_choices, required=False)
    starts_at = forms.TimeField(label=_("Starts at"), widget=TimeInput(), required=False,
                                help_text=_("Empty: the slot's usual time."))
    ends_at = forms.TimeField(label=_("Ends at"), widget=TimeInput(), required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_url = forms.URLField(label=_("Video link"), required=False)
    facilitator = forms.ModelChoiceField(
        label=_("Facilitator"), required=False, queryset=User.objects.none(),
        empty_label=_("None: the group meets on its own"))
    focus = forms.CharField(label=_("Focus"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("What the group works on, agreed at the last gathering."))
    poll_closes_on = forms.DateField(
        label=_("Answer by"), required=False, widget=DateInput(),
        help_text=_("The last day members can answer the date poll; those who have not "
                    "answered are reminded two days before."))

    def __init__(self, *args: Any, plan: NetworkPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = User.objects.filter(
            organisation_id=plan.programme.organisation_id, is_facilitator=True,
            is_active=True).order_by("full_name")

    @classmethod
    def initial_for(cls, meeting: NetworkMeeting) -> dict[str, Any]:
        return {"date": meeting.date, "slot": meeting.slot, "starts_at": meeting.starts_at,
                "ends_at": meeting.ends_at, "place": meeting.place,
                "video_url": meeting.video_url, "facilitator": meeting.facilitator_id,
                "focus": meeting.focus, "poll_closes_on": meeting.poll_closes_on}


class RecordForm(forms.Form):
    """A round added by hand: state first, then what is known of it."""

    status = forms.ChoiceField(
        label=_("State"), choices=[(MeetingStatus.NOT_PROPOSED, _("not yet proposed")),
                                   (MeetingStatus.PROPOSED, _("proposed")),
                                   (MeetingStatus.CONFIRMED, _("confirmed")),
                                   (MeetingStatus.HELD, _("held (already took place)"))],
        initial=MeetingStatus.PROPOSED)
    date = forms.DateField(label=_("Date"), widget=DateInput(), required=False,
                           help_text=_("Empty while the round is not yet proposed."))
    slot = forms.ChoiceField(label=_("Slot"), choices=slot_choices, required=False)
    starts_at = forms.TimeField(label=_("Starts at"), widget=TimeInput(), required=False,
                                help_text=_("Empty: the slot's usual time."))
    ends_at = forms.TimeField(label=_("Ends at"), widget=TimeInput(), required=False)
    facilitator = forms.ModelChoiceField(
        label=_("Adviser"), required=False, queryset=User.objects.none(),
        empty_label=_("None: the group meets on its own"))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_url = forms.URLField(label=_("Video link"), required=False)

    def __init__(self, *args: Any, plan: NetworkPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = User.objects.filter(
            organisation_id=plan.programme.organisation_id, is_facilitator=True,
            is_active=True).order_by("full_name")


class RangePlanForm(forms.Form):
    """The cost-aware planner's question: M meetings per group between two dates."""

    per_group = forms.IntegerField(label=_("Meetings per group"), min_value=1, max_value=12,
                                   initial=4)
    first = forms.DateField(label=_("From"), widget=DateInput())
    last = forms.DateField(label=_("To"), widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("first") and data.get("last") and data["last"] < data["first"]:
            raise forms.ValidationError(_("The last day cannot be before the first."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or Excel)"),
        help_text=_("Columns: group, round, date, slot, adviser, state. Dates as 16.05.2027; "
                    "slot FL/EL, morning/afternoon or empty; state proposed, confirmed, held, "
                    "cancelled or not yet proposed."))


class OptionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    slot = forms.ChoiceField(label=_("Slot"), choices=Slot.choices)


def option_label(option: Any) -> str:
    return f"{format_date(option.date, 'WEEKDAY_DATE_FORMAT')}, {option.get_slot_display()} " \
           f"{option.starts_at:%H:%M}–{option.ends_at:%H:%M}"


class VoteForm(forms.Form):
    """One yes / if need be / no question per proposed date."""

    def __init__(self, *args: Any, options: list[Any], initial_answers: dict[int, str],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for option in options:
            self.fields[f"option_{option.pk}"] = forms.ChoiceField(
                label=option_label(option), choices=Answer.choices, widget=forms.RadioSelect,
                initial=initial_answers.get(option.pk), required=True)

    def answers(self) -> dict[int, str]:
        return {int(name.removeprefix("option_")): value
                for name, value in self.cleaned_data.items()}


class NoteForm(forms.Form):
    case = forms.CharField(label=_("The case we worked on"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("The peer-guidance case, in a few lines."))
    agreed = forms.CharField(label=_("What we agreed"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 4}))
