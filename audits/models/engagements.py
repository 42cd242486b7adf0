from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from audits.choices import EngagementStatus, OrganizationKind, TeamRole
from audits.querysets import EngagementQuerySet
from audits.validators import PLAUSIBLE_DATE

MONEY = {"max_digits": 18, "decimal_places": 2}


class Engagement(models.Model):
    reference = models.CharField(_("reference"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=250)
    subject = models.TextField(_("subject"), blank=True, default="")
    sai = models.ForeignKey(
        "audits.Organization",
        verbose_name=_("audit institution"),
        on_delete=models.PROTECT,
        related_name="engagements_run",
        limit_choices_to={"kind": OrganizationKind.SAI},
    )
    auditee = models.ForeignKey(
        "audits.Organization",
        verbose_name=_("auditee"),
        on_delete=models.PROTECT,
        related_name="engagements_audited",
        limit_choices_to={"kind": OrganizationKind.AGENCY},
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EngagementStatus.choices,
        default=EngagementStatus.PLANNING,
        db_index=True,
    )
    period_start = models.DateField(_("period start"), validators=PLAUSIBLE_DATE)
    period_end = models.DateField(_("period end"), validators=PLAUSIBLE_DATE)
    amount_audited = models.DecimalField(
        _("amount audited"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    location = models.CharField(_("location"), max_length=250, blank=True, default="")
    objectives = models.TextField(_("objectives"), blank=True, default="")
    criteria = models.TextField(_("criteria"), blank=True, default="")
    scope_and_methodology = models.TextField(_("scope and methodology"), blank=True, default="")
    follow_up_of = models.ForeignKey(
        "self",
        verbose_name=_("follow-up of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = EngagementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_at", "id"], name="engagement_list_order")]
        verbose_name = _("audit engagement")
        verbose_name_plural = _("audit engagements")

    def __str__(self):
        return f"{self.reference} {self.title}"

    def clean(self):
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The period cannot end before it starts.")
        if self.auditee_id and self.auditee.kind != OrganizationKind.AGENCY:
            errors["auditee"] = _("The auditee must be an agency.")
        if self.sai_id and self.sai.kind != OrganizationKind.SAI:
            errors["sai"] = _("Engagements are run by an audit institution.")
        if errors:
            raise ValidationError(errors)


class EngagementMember(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("team role"), max_length=20, choices=TeamRole.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    added_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["engagement", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "user"], name="one_membership_per_user")
        ]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


class EngagementUserObjectPermission(UserObjectPermissionBase):
    """A grant on one engagement to one outside user (django-guardian, direct foreign key)."""

    content_object = models.ForeignKey(Engagement, on_delete=models.CASCADE)


class EngagementGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Engagement, on_delete=models.CASCADE)
