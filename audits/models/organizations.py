from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from audits.choices import OrganizationKind
from audits.querysets import OrganizationQuerySet
from audits.validators import PLAUSIBLE_DATE

MAX_ORGANIZATION_DEPTH = 4  # national body → department → region → unit


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    accreditation_number = models.CharField(
        _("accreditation number"), max_length=60, blank=True, default=""
    )
    accredited_until = models.DateField(
        _("accredited until"), null=True, blank=True, validators=PLAUSIBLE_DATE
    )
    currency = models.CharField(_("currency"), max_length=3, default="PHP")
    reply_period_days = models.PositiveSmallIntegerField(
        _("reply period for findings (days)"),
        null=True,
        blank=True,
        help_text=_("SAIs only; empty means the system default."),
    )

    history = HistoricalRecords()
    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        # `/organizations/` in name order, read from the index (10,000 agencies nationally)
        indexes = [models.Index(fields=["name", "id"], name="organization_list_order")]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.kind != OrganizationKind.CSO and (
            self.accreditation_number or self.accredited_until
        ):
            errors["accreditation_number"] = _("Only civil-society organisations are accredited.")
        if self.parent_id:
            if self.pk and self.parent_id == self.pk:
                errors["parent"] = _("An organisation cannot be its own parent.")
            elif self._depth_with_parent() > MAX_ORGANIZATION_DEPTH:
                errors["parent"] = _("Organisations nest at most %(n)d levels deep.") % {
                    "n": MAX_ORGANIZATION_DEPTH
                }
            elif self.pk and self._parent_chain_contains(self.pk):
                errors["parent"] = _("That parent would make a cycle.")
        if errors:
            raise ValidationError(errors)

    def _ancestors(self):
        node = self.parent
        seen = 0
        while node is not None and seen <= MAX_ORGANIZATION_DEPTH:
            yield node
            node = node.parent
            seen += 1

    def _depth_with_parent(self):
        return 1 + sum(1 for _node in self._ancestors())

    def _parent_chain_contains(self, pk):
        return any(node.pk == pk for node in self._ancestors())

    def accreditation_valid(self, on=None):
        if self.kind != OrganizationKind.CSO:
            return True
        on = on or timezone.localdate()
        return self.accredited_until is not None and self.accredited_until >= on
