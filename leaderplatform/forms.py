"""Forms of the leader platform's pages. Rules live in the services; forms only parse."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from groups.models import LeaderGroup
from networks.models import NetworkGroup

from .documents import PAGE_SIZES
from .models import SCORE_MAX, SCORE_MIN, Characteristic, Proposal, RaterGroup, Theme

SCORES = [(str(n), str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]


def _set_choices(form: forms.Form, name: str, choices: list[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class ProposalForm(forms.Form):
    group = forms.ChoiceField(label=_("From the group"))
    text = forms.CharField(label=_("Proposal"), widget=forms.Textarea(attrs={"rows": 3}),
                           required=False, strip=False,
                           help_text=_("One characteristic of good leadership, as the group "
                                       "said it. Shown as the group's, not yours."))

    def __init__(self, *args: Any, leader_groups: list[LeaderGroup],
                 network_groups: list[NetworkGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._groups: dict[str, LeaderGroup | NetworkGroup] = {}
        choices: list[Any] = []
        if leader_groups:
            choices.append((_("Leader groups"), [(f"lg:{g.public_id}", g.name)
                                                 for g in leader_groups]))
            self._groups.update({f"lg:{g.public_id}": g for g in leader_groups})
        if network_groups:
            choices.append((_("Network groups"), [(f"ng:{g.uuid}", g.name)
                                                  for g in network_groups]))
            self._groups.update({f"ng:{g.uuid}": g for g in network_groups})
        _set_choices(self, "group", choices)

    def chosen(self) -> dict[str, Any]:
        group = self._groups[self.cleaned_data["group"]]
        if isinstance(group, LeaderGroup):
            return {"leader_group": group}
        return {"network_group": group}


class PdfForm(forms.Form):
    page_size = forms.ChoiceField(label=_("Paper size"),
                                  choices=[(s, s) for s in PAGE_SIZES])


class CandidateForm(forms.Form):
    text = forms.CharField(label=_("Candidate characteristic"), required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.none(),
                                   required=False, empty_label=_("(no theme yet)"))
    proposals = forms.MultipleChoiceField(label=_("Made from these proposals"), required=False,
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, themes: Iterable[Theme], proposals: Iterable[Proposal],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        theme_field = self.fields["theme"]
        assert isinstance(theme_field, forms.ModelChoiceField)
        theme_field.queryset = Theme.objects.filter(pk__in=[t.pk for t in themes])
        self._proposals = {str(p.uuid): p for p in proposals}
        _set_choices(self, "proposals", [(key, f"{p.text} ({p.group_name})")
                                         for key, p in self._proposals.items()])

    def chosen_proposals(self) -> list[Proposal]:
        return [self._proposals[key] for key in self.cleaned_data["proposals"]]


class AssignForm(forms.Form):
    proposal = forms.UUIDField(widget=forms.HiddenInput)
    candidate = forms.ChoiceField(label=_("Put into"), required=False)

    def __init__(self, *args: Any, candidates: Iterable[Characteristic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "candidate", [("", _("(not sorted)"))] + [
            (str(c.pk), c.text) for c in candidates])


class MergeForm(forms.Form):
    source = forms.ChoiceField(label=_("Merge this candidate"))
    target = forms.ChoiceField(label=_("into this one"))

    def __init__(self, *args: Any, candidates: Iterable[Characteristic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(c.pk), c.text) for c in candidates]
        _set_choices(self, "source", choices)
        _set_choices(self, "target", choices)


class ScoresForm(forms.Form):
    """One 1–5 radio group per line (candidates or behaviours): field ``s<pk>``."""

    def __init__(self, *args: Any, lines: Iterable[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for pk, label in lines:
            self.fields[f"s{pk}"] = forms.ChoiceField(
                label=label, choices=SCORES, required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}))

    def scores(self) -> dict[int, int]:
        """The answered lines; an unanswered line is left out (the service refuses it)."""
        return {int(name[1:]): int(value) for name, value in self.cleaned_data.items()
                if value}


class DecideForm(forms.Form):
    characteristic = forms.IntegerField(widget=forms.HiddenInput)
    adopted = forms.TypedChoiceField(choices=[("1", _("adopt")), ("0", _("do not adopt"))],
                                     coerce=lambda v: v == "1")


class FocusForm(forms.Form):
    areas = forms.MultipleChoiceField(
        label=_("My development areas"), required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))

    def __init__(self, *args: Any, characteristics: Iterable[Characteristic],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "areas", [(str(c.pk), c.text) for c in characteristics])


class FeedbackInviteForm(forms.Form):
    """The raters of a 360, one email address per line in each group's box."""

    employees = forms.CharField(
        label=_("Employees"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One email address per line."))
    peers = forms.CharField(
        label=_("Peers"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One email address per line."))
    above = forms.CharField(
        label=_("Leader above"), required=False, widget=forms.Textarea(attrs={"rows": 1}),
        help_text=_("One email address per line."))

    GROUPS = {"employees": RaterGroup.EMPLOYEE, "peers": RaterGroup.PEER,
              "above": RaterGroup.ABOVE}

    def raters(self) -> list[tuple[str, str]]:
        """(email, group) pairs in the order written; the service checks them."""
        return [(line.strip(), group) for name, group in self.GROUPS.items()
                for line in self.cleaned_data.get(name, "").splitlines() if line.strip()]
