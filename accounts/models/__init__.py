"""Municipalities, their unit tree, users and leader profiles."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from lib.choice_labels import ChoiceLabels
from lib.scoping import OrganisationQuerySet, OrganisationQuerySetMixin, scoped_history

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

NEW_LEADER_DAYS = 365


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class Organisation(models.Model):
    """A municipality (kommune). It owns every other record in the portal."""

    organisation_path = ""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True,
                            help_text=_("Used in addresses and file names."))
    org_number = models.CharField(_("organisation number"), max_length=9, blank=True,
                                  help_text=_("Nine digits from the Brønnøysund registers."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    SERVICE_AREA = "tjenesteomrade", _("service area (tjenesteområde)")
    ENTERPRISE = "virksomhet", _("enterprise (virksomhet / enhet)")
    DEPARTMENT = "avdeling", _("department (avdeling)")
    TEAM = "team", _("team")
    STAFF = "stab", _("staff function (stab)")


class UnitQuerySet(OrganisationQuerySetMixin, MP_NodeQuerySet):
    pass


class UnitManager(MP_NodeManager):
    def get_queryset(self) -> UnitQuerySet:
        return UnitQuerySet(self.model, using=self._db).order_by("path")

    def visible_to(self, user: User | AnonymousUser) -> UnitQuerySet:
        return self.get_queryset().visible_to(user)

    def in_organisation(self, organisation_id: int | None) -> UnitQuerySet:
        return self.get_queryset().in_organisation(organisation_id)


class Unit(MP_Node):
    """A node in the municipality's organisation tree, of any depth.

    Stored as a materialised path (django-treebeard) so that "everything under
    this tjenesteområde" is one indexed prefix query; create and move units
    through :mod:`accounts.services`, which keep a unit in its parent's
    municipality.
    """

    organisation_path = "organisation"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="units", verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices,
                            default=UnitKind.ENTERPRISE)
    code = models.CharField(_("code"), max_length=30, blank=True,
                            help_text=_("The unit's number in the payroll or accounting system."))

    objects = UnitManager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [models.Index(fields=["organisation", "depth"])]
        constraints = [
            # The HR import finds units by their code.
            models.UniqueConstraint(fields=["organisation", "code"], condition=~models.Q(code=""),
                                    name="unit_code_unique_per_organisation"),
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager.from_queryset(OrganisationQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required")
        extra.pop("is_staff", None)  # derived from roles, see User.is_staff
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with email and password.

    Roles are flags because one person may hold several: an O&F adviser can
    also facilitate, a leader can coach. "Leader" is having a Leader profile.
    """

    organisation_path = "organisation"

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users",
        verbose_name=_("municipality"),
        help_text=_("Empty only for system administrators who serve every municipality."),
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES,
                                default="nb")
    is_oaf_admin = models.BooleanField(
        _("O&F administrator"), default=False,
        help_text=_("Works in the admin with this municipality's programme."))
    is_facilitator = models.BooleanField(_("facilitator / adviser"), default=False)
    is_coach = models.BooleanField(_("coach"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    calendar_token = models.CharField(
        _("calendar token"), max_length=64, unique=True, default=new_calendar_token,
        editable=False, help_text=_("Secret part of the personal calendar feed address."))

    objects = UserManager()
    history = scoped_history(
        excluded_fields=["password", "last_login", "calendar_token"],
        verbose_name=_("historical user"))

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name"]
        # The leader and user lists page by name: the first hundred of 6,500 are read
        # from the index instead of sorting every joined row (issue 23).
        indexes = [models.Index(fields=["full_name", "id"], name="user_full_name_order")]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(is_oaf_admin=False) | models.Q(organisation__isnull=False),
                name="oaf_admin_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_staff(self) -> bool:
        """Admin access follows the role; it is never stored separately."""
        return self.is_superuser or (self.is_oaf_admin and self.organisation_id is not None)

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        if self.is_oaf_admin and not self.organisation_id:
            raise ValidationError({"organisation": ValidationError(
                _("An O&F administrator needs a municipality."), code="municipality_required")})

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class LeaderLevel(models.TextChoices):
    # Ordered from the top; the value is stable, the label translatable.
    MUNICIPAL_DIRECTOR = "kommunedirektor", _("municipal director (kommunedirektør)")
    MUNICIPAL_HEAD = "kommunalsjef", _("head of service area (kommunalsjef)")
    ENTERPRISE_LEADER = "virksomhetsleder", _("head of enterprise (virksomhetsleder / enhetsleder)")
    DEPARTMENT_LEADER = "avdelingsleder", _("head of department (avdelingsleder)")
    TEAM_LEADER = "teamleder", _("team leader (teamleder)")


class LeaderQuerySet(OrganisationQuerySet):
    def new_leaders(self, today: dt.date | None = None) -> LeaderQuerySet:
        today = today or timezone.localdate()
        return self.filter(leader_since__gt=today - dt.timedelta(days=NEW_LEADER_DAYS))


class Leader(ChoiceLabels, models.Model):
    """A person with leadership responsibility, and where they sit."""

    organisation_path = "organisation"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="leaders", verbose_name=_("municipality"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="leader", verbose_name=_("user"))
    employee_number = models.CharField(
        _("employee number"), max_length=40, blank=True,
        help_text=_("The number in the HR system; the HR import finds the leader by it."))
    title = models.CharField(_("job title"), max_length=200,
                             help_text=_("As in the letter of appointment, e.g. «Rektor»."))
    level = models.CharField(_("leader level"), max_length=20, choices=LeaderLevel.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="leaders",
                             verbose_name=_("unit"))
    leader_above = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports",
        verbose_name=_("leader above"),
        help_text=_("The leader's own leader, who approves their requests."))
    leader_since = models.DateField(_("leader since"),
                                    help_text=_("When they first became a leader here."))
    is_talent = models.BooleanField(_("leader talent"), default=False,
                                    help_text=_("May take seats reserved for leader talents."))
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"), null=True, blank=True,
        help_text=_("Optional; used only for age statistics in reports."))

    objects = LeaderQuerySet.as_manager()
    history = scoped_history(verbose_name=_("historical leader"))

    class Meta:
        verbose_name = _("leader")
        verbose_name_plural = _("leaders")
        ordering = ["user__full_name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(leader_above=models.F("pk")),
                                   name="leader_not_own_leader_above"),
            models.UniqueConstraint(fields=["organisation", "employee_number"],
                                    condition=~models.Q(employee_number=""),
                                    name="leader_employee_number_unique_per_organisation"),
        ]
        indexes = [models.Index(fields=["organisation", "level"])]

    def __str__(self) -> str:
        return self.user.full_name

    @property
    def name(self) -> str:
        return self.user.full_name

    @property
    def email(self) -> str:
        return self.user.email

    def is_new(self, today: dt.date | None = None) -> bool:
        """A "new leader" has led for under 12 months; derived, never stored."""
        today = today or timezone.localdate()
        return (today - self.leader_since).days < NEW_LEADER_DAYS

    def years_as_leader(self, today: dt.date | None = None) -> int:
        today = today or timezone.localdate()
        years = today.year - self.leader_since.year
        if (today.month, today.day) < (self.leader_since.month, self.leader_since.day):
            years -= 1
        return max(years, 0)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        org_id = self.organisation_id
        if self.unit_id and org_id and self.unit.organisation_id != org_id:
            errors["unit"] = ValidationError(
                _("The unit belongs to another municipality."), code="other_municipality")
        if self.leader_above_id:
            if self.pk and self.leader_above_id == self.pk:
                errors["leader_above"] = ValidationError(
                    _("A leader cannot be their own leader above."), code="circular")
            elif org_id and self.leader_above.organisation_id != org_id:
                errors["leader_above"] = ValidationError(
                    _("The leader above belongs to another municipality."),
                    code="other_municipality")
            elif self.pk and self._is_above(self.leader_above):
                errors["leader_above"] = ValidationError(
                    _("This would make a circle of leaders."), code="circular")
        if self.user_id and org_id and self.user.organisation_id not in (None, org_id):
            errors["user"] = ValidationError(
                _("The user belongs to another municipality."), code="other_municipality")
        if errors:
            raise ValidationError(errors)

    def _is_above(self, other: Leader) -> bool:
        """True if self is somewhere above ``other`` in the reporting line."""
        seen: set[int] = set()
        current: Leader | None = other
        while current is not None and current.pk not in seen:
            if current.pk == self.pk:
                return True
            seen.add(current.pk)
            current = current.leader_above
        return False


class HRImportKind(models.TextChoices):
    LEADERS = "leaders", _("leaders")
    UNITS = "units", _("unit tree")


class HRImportMapping(models.Model):
    """Which column of a municipality's HR export holds what; chosen once, remembered.

    ``columns`` maps a field of the import (``"employee_number"``) to the
    column heading in the file (``"Ansattnr"``).
    """

    organisation_path = "organisation"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="hr_import_mappings",
                                     verbose_name=_("municipality"))
    kind = models.CharField(_("kind of file"), max_length=10, choices=HRImportKind.choices)
    columns = models.JSONField(_("columns"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("HR import column mapping")
        verbose_name_plural = _("HR import column mappings")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"],
                                    name="hr_import_mapping_unique_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.get_kind_display()}"


class HRImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("previewed")
    APPLIED = "applied", _("applied")


class HRImportBatch(models.Model):
    """An uploaded HR file between its dry run and its apply.

    The file itself is kept only until it is applied (or replaced by the next
    upload): it holds personal data that the portal has no use for afterwards.
    """

    organisation_path = "organisation"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="hr_import_batches",
                                     verbose_name=_("municipality"))
    kind = models.CharField(_("kind of file"), max_length=10, choices=HRImportKind.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=HRImportStatus.choices,
                              default=HRImportStatus.PREVIEWED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("HR import")
        verbose_name_plural = _("HR imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class MatchClaim(models.TextChoices):
    EMAIL = "email", _("email address")
    EMPLOYEE_NUMBER = "employee_number", _("employee number")


class IdentityProvider(models.Model):
    """A municipality's own sign-in (OpenID Connect), e.g. its Microsoft Entra ID tenant.

    Edited by O&F in the admin; :func:`accounts.services.sso.identity_provider_save`
    keeps allauth's ``SocialApp`` (what allauth signs in with) in step.
    """

    organisation_path = "organisation"

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE,
                                        related_name="identity_provider",
                                        verbose_name=_("municipality"))
    button_name = models.CharField(
        _("name on the button"), max_length=60,
        help_text=_("The login page says «Log in with <name> account», e.g. «Fjordvik»."))
    issuer = models.URLField(
        _("issuer"), max_length=300,
        help_text=_("For Microsoft Entra ID: https://login.microsoftonline.com/<tenant>/v2.0"))
    client_id = models.CharField(_("client id"), max_length=200)
    client_secret = models.CharField(_("client secret"), max_length=500)
    match_claim = models.CharField(
        _("find the user by"), max_length=20, choices=MatchClaim.choices,
        default=MatchClaim.EMAIL)
    employee_number_claim = models.CharField(
        _("claim with the employee number"), max_length=60, default="employee_number",
        help_text=_("Microsoft Entra ID: «employeeid» (an optional claim)."))
    trust_email = models.BooleanField(
        _("the email claim is verified"), default=False,
        help_text=_("Only where the identity provider itself owns the addresses (Entra ID "
                    "does not send «email_verified»)."))
    create_users = models.BooleanField(
        _("create unknown people at sign-in"), default=False,
        help_text=_("Off: only people already in the portal (e.g. from the HR import) can "
                    "sign in this way."))
    password_login_for_employees = models.BooleanField(
        _("leaders may also log in with a password"), default=True,
        help_text=_("Off: leaders must use the municipality's account. People outside the "
                    "directory, such as external coaches, keep their password."))
    social_app = models.OneToOneField("socialaccount.SocialApp", on_delete=models.PROTECT,
                                      null=True, blank=True, editable=False, related_name="+")

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")

    def __str__(self) -> str:
        return self.button_name


# Split by domain; imported last because it names the models above by string.
from .approvals import (  # noqa: E402, F401
    ApprovalDecision,
    ApprovalEscalation,
    ApprovalHandover,
    ApprovalPolicy,
    ApprovalStep,
    DecisionOutcome,
    Deputy,
    StepCondition,
    StepKind,
)
