from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Leader, LeaderLevel, User

from .models import Enrollment, EnrollmentStatus, Module, ModuleSession

NOTE_MAX = 2000


class EnrollmentRequestForm(forms.Form):
    same_for_everyone = True  # its blank HTML is kept per language (lib/blank_forms.py)

    note = forms.CharField(
        label=_("Why do you want to take part?"), max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few sentences for your leader above: what you want to learn and why now."),
        error_messages={"required": _("Write a few words on why you want to take part.")})


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the leader)"), max_length=NOTE_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 3}))


class CancelOnBehalfForm(forms.Form):
    """O&F cancels a leader's enrolment for them: the reason is required and sent."""

    reason = forms.CharField(
        label=_("Reason (sent to the leader)"), max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for cancelling on the leader's behalf; "
                                      "the leader is told.")})


class ConfirmForm(forms.Form):
    """The second step of a destructive action: the box the person ticks or the button."""

    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class BulkDecisionForm(forms.Form):
    """The approver's list: decide several requests of any kind at once, one reason for all.

    Each checkbox's value names the kind, the request and the step the approver
    saw (``programs.enrollment:42:1``), so a step someone else decided meanwhile
    is refused rather than a later step decided by mistake.
    """

    requests = forms.MultipleChoiceField(
        label=_("Requests"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one request."),
                        "invalid_choice": _("One of the requests has been dealt with already. "
                                            "Open the page again.")})
    decision = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[("approve", _("Approve")), ("decline", _("Decline"))],
        error_messages={"required": _("Choose approve or decline.")})
    reason = forms.CharField(
        label=_("Reason (sent to each leader; asked for when declining)"), max_length=NOTE_MAX,
        required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requests"].choices = [(item.value, item.title) for item in items]


class HandOverForm(forms.Form):
    """Hand one request to a named colleague in the same municipality."""

    colleague = forms.ModelChoiceField(
        label=_("Colleague"), queryset=User.objects.none(),
        error_messages={"required": _("Choose the colleague."),
                        "invalid_choice": _("Choose a colleague from the list.")})

    def __init__(self, *args: Any, user: User, exclude: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["colleague"]
        field.queryset = (User.objects.filter(organisation_id=user.organisation_id,
                                              is_active=True, leader__isnull=False)
                          .exclude(pk__in=[user.pk, *exclude]).order_by("full_name"))
        field.label_from_instance = lambda u: u.full_name
        field.widget.attrs["class"] = "form-select"


class AttendanceForm(forms.Form):
    """The whole list of a session: ticked leaders attended, the others did not."""

    present = forms.ModelMultipleChoiceField(
        label=_("Attended"), required=False, queryset=Enrollment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("The list has changed: one of the leaders no longer "
                                            "has a seat. Open the page again."),
                        "invalid_pk_value": _("The list could not be read. Open the page "
                                              "again.")})

    def __init__(self, *args: Any, session: ModuleSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        field.queryset = (Enrollment.objects
                          .filter(module_id=session.module_id, status=EnrollmentStatus.SEATED)
                          .select_related("leader__user", "leader__unit")
                          .order_by("leader__user__full_name"))
        field.label_from_instance = lambda e: f"{e.leader.user.full_name} – {e.leader.title}"


class ModuleAdminForm(forms.ModelForm):
    audience_levels = forms.MultipleChoiceField(
        label=_("levels"), required=False, choices=LeaderLevel.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For «chosen levels»: the leader levels the module is for."))

    class Meta:
        model = Module
        fields = ["programme", "topic", "description", "term", "year", "status", "audience",
                  "audience_units", "audience_levels", "capacity", "waiting_list_limit",
                  "talent_seats", "talent_seats_release_on", "enrolment_opens_on",
                  "enrolment_closes_on", "cancellation_cutoff_on", "min_sessions_attended"]


class EnrolLeadersForm(forms.Form):
    """O&F enrols several leaders directly (admin page of a module)."""

    leaders = forms.ModelMultipleChoiceField(label=_("Leaders"), queryset=Leader.objects.none())
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, leaders: Any, widget: forms.Widget, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["leaders"]
        field.widget = widget
        field.queryset = leaders  # after the widget: the setter hands it the choices


class MarkAttendanceForm(forms.Form):
    """Admin action: mark the chosen enrolments present or absent at one session."""

    session = forms.ModelChoiceField(label=_("Session"), queryset=ModuleSession.objects.none())
    attended = forms.TypedChoiceField(
        label=_("Mark as"), coerce=lambda v: v == "1", initial="1",
        choices=[("1", _("attended")), ("0", _("did not attend"))],
        widget=forms.RadioSelect)

    def __init__(self, *args: Any, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
