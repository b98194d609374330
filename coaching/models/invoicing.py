"""How a municipality wants its coaching invoice basis: who pays, and whether names show."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, UnitKind
from lib.scoping import OrganisationQuerySet


class InvoiceSettings(models.Model):
    """One per municipality, created with the defaults the first time the basis is made.

    The paying level decides which unit a row of the invoice basis names: the
    ordering unit's nearest unit of that kind (itself or above it), so three
    departments of one enterprise become one row the enterprise pays.
    """

    organisation_path = "organisation"

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE,
                                        related_name="invoice_settings",
                                        verbose_name=_("municipality"))
    paying_level = models.CharField(
        _("paying level"), max_length=20, choices=UnitKind.choices, blank=True,
        default=UnitKind.ENTERPRISE,
        help_text=_("Rows are added up to the ordering unit's nearest unit of this kind "
                    "(itself or above it). Empty: each ordering unit pays for itself."))
    show_leader_names = models.BooleanField(
        _("show leaders' names"), default=False,
        help_text=_("List the coached leaders on each row. Off: only counts, which is "
                    "enough for posting the invoice."))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice settings")
        verbose_name_plural = _("invoice settings")

    def __str__(self) -> str:
        return str(_("Invoice settings"))
