"""Leader groups (ledergrupper): a head and the leaders reporting to them."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Leader, Organisation, Unit
from lib.scoping import OrganisationQuerySet


class LeaderGroup(models.Model):
    organisation_path = "organisation"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="leader_groups", verbose_name=_("municipality"))
    # Addresses use this, not the sequential id, so a guessed URL reveals nothing.
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="leader_groups",
                             verbose_name=_("unit"), help_text=_("The unit the group leads."))
    head = models.ForeignKey(Leader, on_delete=models.PROTECT, related_name="headed_groups",
                             verbose_name=_("head of group"))
    members = models.ManyToManyField(Leader, through="LeaderGroupMembership",
                                     related_name="leader_groups", verbose_name=_("members"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("leader group")
        verbose_name_plural = _("leader groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"],
                                    name="leader_group_name_unique_per_organisation"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        org_id = self.organisation_id
        if self.unit_id and org_id and self.unit.organisation_id != org_id:
            errors["unit"] = ValidationError(
                _("The unit belongs to another municipality."), code="other_municipality")
        if self.head_id and org_id and self.head.organisation_id != org_id:
            errors["head"] = ValidationError(
                _("The head belongs to another municipality."), code="other_municipality")
        if errors:
            raise ValidationError(errors)


class LeaderGroupMembership(models.Model):
    organisation_path = "group__organisation"

    group = models.ForeignKey(LeaderGroup, on_delete=models.CASCADE, related_name="memberships",
                              verbose_name=_("leader group"))
    leader = models.ForeignKey(Leader, on_delete=models.CASCADE, related_name="group_memberships",
                               verbose_name=_("leader"))
    joined_on = models.DateField(_("member since"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["group", "leader"], name="leader_group_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.leader} – {self.group}"

    def clean(self) -> None:
        if (self.group_id and self.leader_id
                and self.group.organisation_id != self.leader.organisation_id):
            raise ValidationError({"leader": ValidationError(
                _("The leader belongs to another municipality."), code="other_municipality")})
