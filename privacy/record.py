"""The record of processing activities (GDPR art. 30), built from what the portal stores.

One row per model that holds personal data: a curated description (whose data,
why, who receives it, how long it is kept) joined with what the code says (the
model's name and fields, read from ``_meta``) and what the database holds (how
many rows of the municipality). The retention column reads the municipality's
own retention schedule where a beat job enforces it.

``privacy/tests/test_record.py`` fails when a concrete model with a relation to
a user or leader has no description here, so a new model cannot be left out of
the municipality's protocol.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.scoping import organisation_lookup

from .models import PrivacyStatement, RetentionPolicy

SUBJECTS = {
    "leaders": _("Leaders"),
    "users": _("Everyone with a login: leaders, O&F, facilitators and coaches"),
    "facilitators": _("Facilitators and advisers"),
    "coaches": _("Coaches at suppliers"),
    "oaf": _("O&F administrators"),
    "leaders_staff": _("Leaders, and the O&F staff and facilitators who act on their records"),
}
PURPOSES = {
    "accounts": _("Sign-in, roles and the organisation chart"),
    "programmes": _("Programmes, gatherings, modules, enrolment and attendance"),
    "groups": _("Leader-group development and purpose posters"),
    "surveys": _("Needs, effect and evaluation surveys"),
    "coaching": _("Coaching under framework agreements, and the invoice basis"),
    "networks": _("Network groups and their meeting plans"),
    "reminders": _("Reminders and messages to participants"),
    "audit": _("Accountability and security: audit trail and change history"),
    "documents": _("Reports and files made on request"),
    "security": _("Security: sign-in sessions and failed sign-ins"),
    "hr": _("Keeping leaders up to date from the HR system"),
    "information": _("Telling each user how their data is processed (GDPR art. 13)"),
    "platform": _("The municipality's leader platform: proposals, votes and self-assessments"),
    "approvals": _("Deciding requests for seats and coaching: deputies, approval steps, "
                   "hand-overs and escalation"),
}
RECIPIENTS = {
    "oaf": _("O&F"),
    "oaf_above": _("O&F and the leader above"),
    "group": _("O&F, the group's members and its facilitator"),
    "module": _("O&F, the leader above and the facilitators"),
    "coaching": _("O&F, the leader above, the coach and the supplier (invoice basis)"),
    "own": _("Only the person themselves (the coach only when shared)"),
    "operators": _("Only the portal's operators (data processor)"),
    "members": _("O&F, the group's members and facilitator"),
    "aggregated": _("O&F and the group, only as totals above the anonymity threshold"),
    "feedback": _("Only the leader who asked, as each rater group's mean above the "
                  "anonymity threshold"),
}
RETENTION = {
    "participation": _("While the person takes part; anonymised when a leader has left"),
    "configuration": _("While the programme runs; deleted by O&F"),
    "sessions": _("Until the sign-in expires"),
    "lockouts": _("Until the lockout is lifted or reset"),
}


@dataclass(frozen=True)
class Processing:
    subjects: str  # key of SUBJECTS
    purpose: str  # key of PURPOSES
    recipients: str  # key of RECIPIENTS
    retention: str  # a RetentionPolicy kind ("drafts", …) or a key of RETENTION


# Every model that holds personal data, by label. Historical* are the change history.
RECORD: dict[str, Processing] = {
    "accounts.user": Processing("users", "accounts", "oaf", "leavers"),
    "accounts.leader": Processing("leaders", "accounts", "oaf_above", "leavers"),
    "accounts.historicaluser": Processing("users", "audit", "oaf", "history"),
    "accounts.historicalleader": Processing("leaders", "audit", "oaf", "history"),
    "accounts.hrimportbatch": Processing("leaders", "hr", "oaf", "history"),
    "accounts.deputy": Processing("leaders", "approvals", "oaf_above", "participation"),
    "accounts.approvalstep": Processing("users", "approvals", "oaf", "configuration"),
    "accounts.approvaldecision": Processing("leaders_staff", "approvals", "oaf_above",
                                            "participation"),
    "accounts.approvalhandover": Processing("leaders", "approvals", "oaf_above",
                                            "participation"),
    "accounts.approvalescalation": Processing("leaders", "approvals", "oaf_above",
                                              "participation"),
    "admin.logentry": Processing("oaf", "audit", "oaf", "history"),
    "sessions.session": Processing("users", "security", "operators", "sessions"),
    "axes.accessattempt": Processing("users", "security", "operators", "lockouts"),
    "axes.accessfailurelog": Processing("users", "security", "operators", "lockouts"),
    "axes.accesslog": Processing("users", "security", "operators", "lockouts"),
    "lib.auditentry": Processing("leaders_staff", "audit", "oaf", "history"),
    "lib.generateddocument": Processing("leaders_staff", "documents", "oaf", "documents"),
    "lib.sentreminder": Processing("users", "reminders", "operators", "reminders"),
    "programs.programme": Processing("leaders", "programmes", "oaf", "participation"),
    "programs.programmeparticipant": Processing("leaders", "programmes", "oaf",
                                                "participation"),
    "programs.gathering": Processing("facilitators", "programmes", "module", "configuration"),
    "programs.modulesession": Processing("facilitators", "programmes", "module",
                                         "configuration"),
    "programs.enrollment": Processing("leaders", "programmes", "module", "participation"),
    "programs.historicalenrollment": Processing("leaders", "audit", "oaf", "history"),
    "programs.attendance": Processing("leaders", "programmes", "module", "participation"),
    "groups.leadergroup": Processing("leaders", "groups", "group", "participation"),
    "groups.leadergroupmembership": Processing("leaders", "groups", "group", "participation"),
    "groups.purposeposter": Processing("leaders", "groups", "group", "participation"),
    "groups.posterversion": Processing("leaders", "groups", "group", "participation"),
    "groups.postercomment": Processing("leaders", "groups", "group", "participation"),
    "groups.groupprocess": Processing("facilitators", "groups", "group", "configuration"),
    "groups.taskcompletion": Processing("leaders", "groups", "group", "participation"),
    "surveys.round": Processing("oaf", "surveys", "oaf", "configuration"),
    "surveys.invitation": Processing("leaders", "surveys", "oaf", "participation"),
    "surveys.response": Processing("leaders", "surveys", "aggregated", "participation"),
    "surveys.answer": Processing("leaders", "surveys", "aggregated", "participation"),
    "surveys.draft": Processing("leaders", "surveys", "own", "drafts"),
    "coaching.coachprofile": Processing("coaches", "coaching", "coaching", "configuration"),
    "coaching.availabilityexception": Processing("coaches", "coaching", "coaching",
                                                 "configuration"),
    "coaching.coachingcourse": Processing("leaders", "coaching", "coaching", "participation"),
    "coaching.developmentproject": Processing("leaders", "coaching", "own", "participation"),
    "coaching.reflectionnote": Processing("leaders", "coaching", "own", "participation"),
    "coaching.booking": Processing("leaders", "coaching", "coaching", "participation"),
    "coaching.historicalbooking": Processing("leaders", "audit", "oaf", "history"),
    "networks.networkplan": Processing("facilitators", "networks", "oaf", "configuration"),
    "networks.networkgroup": Processing("facilitators", "networks", "members",
                                        "configuration"),
    "networks.networkmembership": Processing("leaders", "networks", "members",
                                             "participation"),
    "networks.networkmeeting": Processing("facilitators", "networks", "members",
                                          "configuration"),
    "networks.meetingvote": Processing("leaders", "networks", "members", "participation"),
    "networks.meetingnote": Processing("leaders", "networks", "members", "participation"),
    "privacy.privacyacknowledgement": Processing("users", "information", "oaf",
                                                 "participation"),
    # Sign-in with the municipality's own account (django-allauth, OpenID Connect).
    "account.emailaddress": Processing("users", "accounts", "operators", "leavers"),
    "socialaccount.socialaccount": Processing("users", "accounts", "operators", "leavers"),
    # Two-factor sign-in (django-allauth's MFA): the authenticator app's key, recovery codes.
    "mfa.authenticator": Processing("users", "security", "operators", "leavers"),
    "leaderplatform.platformversion": Processing("oaf", "platform", "oaf", "configuration"),
    "leaderplatform.proposal": Processing("leaders", "platform", "members", "participation"),
    "leaderplatform.ballot": Processing("leaders", "platform", "aggregated", "participation"),
    "leaderplatform.selfassessment": Processing("leaders", "platform", "own", "participation"),
    # The light 360: the round is the leader's; a rater's invitation and scores are shown
    # to nobody (the leader sees group means over the threshold).
    "leaderplatform.feedbackround": Processing("leaders", "platform", "own", "participation"),
    "leaderplatform.feedbackinvitation": Processing("users", "platform", "feedback",
                                                    "participation"),
    "leaderplatform.feedbackanswer": Processing("users", "platform", "feedback",
                                                "participation"),
    "cockpit.message": Processing("oaf", "reminders", "oaf", "history"),
    "cockpit.messagedelivery": Processing("leaders", "reminders", "operators", "reminders"),
}


def personal_models() -> list[type[models.Model]]:
    """Concrete models in ``RECORD`` that exist in this installation, in app order."""
    return [model for model in apps.get_models()
            if not model._meta.proxy and model._meta.label_lower in RECORD]


@dataclass(frozen=True)
class RecordRow:
    label: str
    name: str
    subjects: str
    purpose: str
    fields: str  # the model's own fields, as O&F read them
    recipients: str
    retention: str
    rows: int | None  # rows of the municipality (None: not kept per municipality)


@dataclass(frozen=True)
class ProcessingRecord:
    controller: str
    controller_contact: str
    dpo: str
    rows: list[RecordRow]


def _retention_text(key: str, policy: RetentionPolicy) -> str:
    from .services.retention import RETENTION_KINDS

    for kind in RETENTION_KINDS:
        if kind.key == key:
            return f"{kind.period(policy)} ({kind.what})"
    return str(RETENTION[key])


def _fields(model: type[models.Model]) -> str:
    names = [str(field.verbose_name) for field in model._meta.concrete_fields
             if not field.primary_key and field.name not in {"history_id", "history_change_reason"}]
    names += [str(field.verbose_name) for field in model._meta.many_to_many]
    return ", ".join(dict.fromkeys(names))


def processing_record(*, organisation: Any) -> ProcessingRecord:
    """The municipality's record of processing: one row per model with personal data."""
    from .services.retention import retention_policy_get

    policy = retention_policy_get(organisation_id=organisation.pk)
    statement = PrivacyStatement.objects.filter(organisation=organisation).first()
    rows = []
    for model in personal_models():
        entry = RECORD[model._meta.label_lower]
        path = organisation_lookup(model)
        count = (model._base_manager.filter(**{path: organisation.pk}).count()
                 if path is not None else None)
        rows.append(RecordRow(
            label=model._meta.label_lower, name=str(model._meta.verbose_name_plural),
            subjects=str(SUBJECTS[entry.subjects]), purpose=str(PURPOSES[entry.purpose]),
            fields=_fields(model), recipients=str(RECIPIENTS[entry.recipients]),
            retention=_retention_text(entry.retention, policy), rows=count))
    return ProcessingRecord(
        controller=statement.controller if statement else organisation.name,
        controller_contact=statement.controller_contact if statement else "",
        dpo=(f"{statement.dpo_name} <{statement.dpo_email}>" if statement else ""),
        rows=rows)
