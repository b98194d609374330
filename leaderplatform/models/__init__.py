"""The municipality's leader platform (lederplattform) and the leader's private self-assessment.

A platform has versions. Each version is developed in the six steps of
Seljord's first gathering (what a platform is for us; the leader group's
purpose; brainstorm; analyse and summarise; assess and decide; launch and
use), run by O&F with dates per step (:class:`StepPlan`). At step 3 leader
groups and network groups submit :class:`Proposal` s — always the group's,
never a person's in what others see; at step 4 O&F and facilitators cluster
them into candidate :class:`Characteristic` s (each proposal keeps its link
to the candidate it went into); at step 5 every leader rates the candidates
once (:class:`Ballot` says *that* a leader rated, :class:`Rating` holds the
scores with no link to anyone) and the leadership decides; step 6 publishes.

A published version's characteristics, grouped in :class:`Theme` s, each have
observable :class:`Behaviour` s that a leader rates for themself in a
:class:`SelfAssessment` — private to the leader (see ``access.py``).
Texts O&F writes are in nb/nn/en (``lib.multilingual.pick``); proposals stay
in the language they were written in.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Leader, Organisation
from groups.models import LeaderGroup
from lib.choice_labels import ChoiceLabels
from lib.multilingual import pick
from lib.scoping import OrganisationQuerySet
from networks.models import NetworkGroup

# A proposal is a sentence or two on a sticky note; 2000 characters leaves room for a
# paragraph and refuses a pasted document (10 kB).
PROPOSAL_MAX_CHARS = 2000
SCORE_MIN, SCORE_MAX = 1, 5


class Step(models.IntegerChoices):
    PURPOSE = 1, _("1. What is a leader platform for us?")
    GROUP_PURPOSE = 2, _("2. Define the leader group's purpose")
    BRAINSTORM = 3, _("3. Brainstorm: groups submit proposals")
    ANALYSE = 4, _("4. Analyse and summarise")
    DECIDE = 5, _("5. Assess and decide")
    LAUNCH = 6, _("6. Launch and use")


class VersionStatus(models.TextChoices):
    DRAFT = "utkast", _("draft")
    PUBLISHED = "publisert", _("published")
    REPLACED = "erstattet", _("replaced by a newer version")


class Platform(models.Model):
    """A municipality's leader platform; what changes over the years is its versions.

    The one platform without a municipality is the *standard* one (data migration
    ``0003``): the three orientations of the KS guide (task, relation, change), which a
    leader's self-assessment uses while their municipality has no published platform.
    """

    organisation_path = "organisation"
    organisation_shared = True  # the standard platform (no municipality) serves all

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE,
                                        related_name="leader_platform", null=True, blank=True,
                                        verbose_name=_("municipality"),
                                        help_text=_("Empty only for the portal's standard "
                                                    "platform (the three orientations)."))
    name_nb = models.CharField(_("name (bokmål)"), max_length=200,
                               help_text=_("For example «Lederplattform for Fjordvik kommune»."))
    name_nn = models.CharField(_("name (nynorsk)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("leader platform")
        verbose_name_plural = _("leader platforms")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")

    @property
    def is_standard(self) -> bool:
        return self.organisation_id is None


class PlatformVersion(ChoiceLabels, models.Model):
    """One version of the platform, developed through the six steps, then published."""

    organisation_path = "platform__organisation"
    organisation_shared = True  # the standard platform's version serves all

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="versions",
                                 verbose_name=_("leader platform"))
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=VersionStatus.choices,
                              default=VersionStatus.DRAFT)
    step = models.PositiveSmallIntegerField(_("current step"), choices=Step.choices,
                                            default=Step.PURPOSE)
    intro_nb = models.TextField(_("introduction (bokmål)"), blank=True,
                                help_text=_("What the platform is for: targeted, rooted, "
                                            "consistent."))
    intro_nn = models.TextField(_("introduction (nynorsk)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("published by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("platform version")
        verbose_name_plural = _("platform versions")
        ordering = ["platform", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "number"],
                                    name="leaderplatform_version_number_unique"),
            models.UniqueConstraint(fields=["platform"], condition=Q(status="publisert"),
                                    name="leaderplatform_one_published_version"),
            models.CheckConstraint(
                condition=Q(status="utkast") | Q(published_at__isnull=False),
                name="leaderplatform_published_has_date"),
            models.CheckConstraint(condition=Q(step__gte=1, step__lte=6),
                                   name="leaderplatform_step_range"),
        ]

    def __str__(self) -> str:
        return f"{self.platform} – {_('version')} {self.number}"

    @property
    def intro(self) -> str:
        return pick(self, "intro")

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED

    def in_step(self, step: int) -> bool:
        """Whether the draft is at ``step`` now (a published version is in no step)."""
        return self.is_draft and self.step == step

    @property
    def is_standard(self) -> bool:
        return self.platform.is_standard

    @property
    def owner(self) -> Organisation:
        """The version's municipality. Only the standard platform has none, and no service
        changes it (code ``standard``): a data migration ships it."""
        organisation = self.platform.organisation
        if organisation is None:
            raise ValidationError(_("The standard platform is changed only by the portal's "
                                    "updates."), code="standard")
        return organisation


class StepPlan(ChoiceLabels, models.Model):
    """When a step of a version's process runs (O&F's plan, shown to leaders)."""

    organisation_path = "version__platform__organisation"

    version = models.ForeignKey(PlatformVersion, on_delete=models.CASCADE,
                                related_name="step_plans", verbose_name=_("platform version"))
    step = models.PositiveSmallIntegerField(_("step"), choices=Step.choices)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True,
                            help_text=_("For example the gathering or meetings where it happens."))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("step of the process")
        verbose_name_plural = _("steps of the process")
        ordering = ["version", "step"]
        constraints = [
            models.UniqueConstraint(fields=["version", "step"],
                                    name="leaderplatform_step_plan_unique"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="leaderplatform_step_plan_ordered"),
        ]

    def __str__(self) -> str:
        return self.get_step_display()


class Theme(models.Model):
    """A group of characteristics, for example one of the three orientations."""

    organisation_path = "version__platform__organisation"
    organisation_shared = True  # the standard platform's content serves all

    version = models.ForeignKey(PlatformVersion, on_delete=models.CASCADE,
                                related_name="themes", verbose_name=_("platform version"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name_nb = models.CharField(_("name (bokmål)"), max_length=200)
    name_nn = models.CharField(_("name (nynorsk)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    reflection_nb = models.TextField(
        _("reflection questions (bokmål)"), blank=True,
        help_text=_("One question per line; shown with the leader's self-assessment."))
    reflection_nn = models.TextField(_("reflection questions (nynorsk)"), blank=True)
    reflection_en = models.TextField(_("reflection questions (English)"), blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["version", "position", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")

    @property
    def reflection_questions(self) -> list[str]:
        return [line.strip() for line in pick(self, "reflection").splitlines() if line.strip()]


class CharacteristicStatus(models.TextChoices):
    CANDIDATE = "kandidat", _("candidate")
    ADOPTED = "vedtatt", _("adopted")
    REJECTED = "forkastet", _("not adopted")


class Characteristic(ChoiceLabels, models.Model):
    """A characteristic of good leadership (kjennetegn): first a candidate, then decided."""

    organisation_path = "version__platform__organisation"
    organisation_shared = True  # the standard platform's content serves all

    version = models.ForeignKey(PlatformVersion, on_delete=models.CASCADE,
                                related_name="characteristics",
                                verbose_name=_("platform version"))
    theme = models.ForeignKey(Theme, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="characteristics", verbose_name=_("theme"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    text_nb = models.CharField(_("short text (bokmål)"), max_length=300)
    text_nn = models.CharField(_("short text (nynorsk)"), max_length=300, blank=True)
    text_en = models.CharField(_("short text (English)"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=CharacteristicStatus.choices,
                              default=CharacteristicStatus.CANDIDATE)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Which deepening modules build this characteristic. Kept here, not in programs:
    # programs knows nothing of the platform (its module page shows it through
    # ``programs.module_page``'s registry).
    modules = models.ManyToManyField(
        "programs.Module", blank=True, related_name="platform_characteristics",
        verbose_name=_("modules that build it"),
        help_text=_("Shown on each module's page («Builds: …») and on the platform page."))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("characteristic")
        verbose_name_plural = _("characteristics")
        ordering = ["version", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return pick(self, "text")


class Behaviour(models.Model):
    """An observable behaviour of a characteristic («Er god til å …»)."""

    organisation_path = "characteristic__version__platform__organisation"
    organisation_shared = True  # the standard platform's content serves all

    characteristic = models.ForeignKey(Characteristic, on_delete=models.CASCADE,
                                       related_name="behaviours",
                                       verbose_name=_("characteristic"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    text_nb = models.CharField(_("behaviour (bokmål)"), max_length=300)
    text_nn = models.CharField(_("behaviour (nynorsk)"), max_length=300, blank=True)
    text_en = models.CharField(_("behaviour (English)"), max_length=300, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("behaviour")
        verbose_name_plural = _("behaviours")
        ordering = ["characteristic", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return pick(self, "text")


class Proposal(models.Model):
    """A group's proposal from a step-3 session. Shown as the group's, never a person's.

    ``entered_by`` is kept for the audit trail and the person's own data export;
    no page, list or admin column shows it.
    """

    organisation_path = "version__platform__organisation"

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(PlatformVersion, on_delete=models.CASCADE,
                                related_name="proposals", verbose_name=_("platform version"))
    leader_group = models.ForeignKey(LeaderGroup, on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="platform_proposals",
                                     verbose_name=_("leader group"))
    network_group = models.ForeignKey(NetworkGroup, on_delete=models.CASCADE, null=True,
                                      blank=True, related_name="platform_proposals",
                                      verbose_name=_("network group"))
    text = models.TextField(_("proposal"), max_length=PROPOSAL_MAX_CHARS)
    characteristic = models.ForeignKey(Characteristic, on_delete=models.SET_NULL, null=True,
                                       blank=True, related_name="proposals",
                                       verbose_name=_("clustered into"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["version", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(leader_group__isnull=False, network_group__isnull=True)
                           | Q(leader_group__isnull=True, network_group__isnull=False)),
                name="leaderplatform_proposal_one_group"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def group_name(self) -> str:
        group = self.leader_group or self.network_group
        return group.name if group is not None else ""


class Ballot(models.Model):
    """That a leader has rated a version's candidates (once). Holds no scores."""

    organisation_path = "version__platform__organisation"

    version = models.ForeignKey(PlatformVersion, on_delete=models.CASCADE,
                                related_name="ballots", verbose_name=_("platform version"))
    leader = models.ForeignKey(Leader, on_delete=models.CASCADE, related_name="platform_ballots",
                               verbose_name=_("leader"))
    cast_on = models.DateField(_("rated on"))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating given")
        verbose_name_plural = _("ratings given")
        constraints = [
            models.UniqueConstraint(fields=["version", "leader"],
                                    name="leaderplatform_one_ballot_per_leader"),
        ]

    def __str__(self) -> str:
        return f"{self.version} – {self.cast_on}"


class Rating(models.Model):
    """One anonymous score of a candidate: random id, no leader, no time."""

    organisation_path = "characteristic__version__platform__organisation"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    characteristic = models.ForeignKey(Characteristic, on_delete=models.CASCADE,
                                       related_name="ratings", verbose_name=_("characteristic"))
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)])

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                                   name="leaderplatform_rating_range"),
        ]

    def __str__(self) -> str:
        return str(self.score)


class SelfAssessment(models.Model):
    """A leader's own rating of a published platform's behaviours. Private to the leader."""

    organisation_path = "leader__organisation"

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    leader = models.ForeignKey(Leader, on_delete=models.CASCADE,
                               related_name="self_assessments", verbose_name=_("leader"))
    version = models.ForeignKey(PlatformVersion, on_delete=models.PROTECT,
                                related_name="self_assessments",
                                verbose_name=_("platform version"))
    created_at = models.DateTimeField(_("answered"), auto_now_add=True)
    shared_with_coach = models.BooleanField(_("shared with my coach"), default=False)
    focus = models.ManyToManyField(Characteristic, blank=True, related_name="+",
                                   verbose_name=_("chosen development areas"))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["leader", "-created_at"]

    def __str__(self) -> str:
        return str(_("Self-assessment"))


class SelfAnswer(models.Model):
    organisation_path = "assessment__leader__organisation"

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE,
                                   related_name="answers", verbose_name=_("self-assessment"))
    behaviour = models.ForeignKey(Behaviour, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("behaviour"))
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)])

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "behaviour"],
                                    name="leaderplatform_one_answer_per_behaviour"),
            models.CheckConstraint(condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                                   name="leaderplatform_self_answer_range"),
        ]

    def __str__(self) -> str:
        return str(self.score)



class PlatformInstrument(models.Model):
    """A session-evaluation instrument built from a published version (one per instrument).

    Its question groups are the version's adopted characteristics (key
    ``kjennetegn-<pk>``, the theme in the description) and its scale items their
    behaviours (key ``atferd-<pk>``), after the questions of the evaluation it
    was built on; see ``services.instruments``.
    """

    organisation_path = "version__platform__organisation"

    version = models.ForeignKey(PlatformVersion, on_delete=models.CASCADE,
                                related_name="instruments", verbose_name=_("platform version"))
    instrument = models.OneToOneField("surveys.Instrument", on_delete=models.CASCADE,
                                      related_name="platform_link",
                                      verbose_name=_("instrument"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation instrument from the platform")
        verbose_name_plural = _("evaluation instruments from the platform")
        ordering = ["version", "-created_at"]

    def __str__(self) -> str:
        return str(self.instrument)


# The 360 builds on the classes above.
from .feedback import FeedbackAnswer as FeedbackAnswer  # noqa: E402
from .feedback import FeedbackInvitation as FeedbackInvitation  # noqa: E402
from .feedback import FeedbackRound as FeedbackRound  # noqa: E402
from .feedback import RaterGroup as RaterGroup  # noqa: E402
