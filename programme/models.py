"""The audit programme: what will be examined, by whom, by when, and whether each step
was done and reviewed. A procedure's record (observations, linked evidence, who prepared
it, who reviewed it) is its working paper; review notes are the reviewer's questions."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programme.choices import ProcedureMethod, ProcedureStatus, ProgrammeKind
from programme.querysets import ProcedureQuerySet, ProgrammeTemplateQuerySet, ReviewNoteQuerySet

HOURS = {"max_digits": 6, "decimal_places": 1}
HOURS_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10000"))]


class ProgrammeTemplate(models.Model):
    """A ready-made programme the SAI administrator keeps; applying it to an engagement in
    planning copies its procedures."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(
        _("kind of project"), max_length=30, choices=ProgrammeKind.choices, db_index=True
    )
    description = models.TextField(_("description"), blank=True, default="")
    is_active = models.BooleanField(_("offered to teams"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ProgrammeTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("programme template")
        verbose_name_plural = _("programme templates")

    def __str__(self):
        return self.name


class TemplateProcedure(models.Model):
    template = models.ForeignKey(
        ProgrammeTemplate, on_delete=models.CASCADE, related_name="procedures"
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    objective = models.TextField(_("objective"))
    criteria = models.TextField(_("criteria"), blank=True, default="")
    method = models.CharField(_("method"), max_length=30, choices=ProcedureMethod.choices)
    location = models.CharField(_("location"), max_length=250, blank=True, default="")
    estimated_hours = models.DecimalField(
        _("estimated hours"), **HOURS, null=True, blank=True, validators=HOURS_VALIDATORS
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["template", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="template_procedure_number_once"
            )
        ]
        verbose_name = _("template procedure")
        verbose_name_plural = _("template procedures")

    def __str__(self):
        return f"{self.number}. {self.objective[:60]}"


class Procedure(models.Model):
    """One planned audit step and, once worked on, its working paper."""

    engagement = models.ForeignKey(
        "audits.Engagement", on_delete=models.PROTECT, related_name="procedures"
    )
    number = models.PositiveIntegerField(_("number"), validators=[MinValueValidator(1)])
    objective = models.TextField(_("objective"))
    criteria = models.TextField(_("criteria tested"), blank=True, default="")
    method = models.CharField(_("method"), max_length=30, choices=ProcedureMethod.choices)
    location = models.CharField(_("location"), max_length=250, blank=True, default="")
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignees"),
        blank=True,
        related_name="assigned_procedures",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    estimated_hours = models.DecimalField(
        _("estimated hours"), **HOURS, null=True, blank=True, validators=HOURS_VALIDATORS
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProcedureStatus.choices,
        default=ProcedureStatus.OPEN,
        db_index=True,
    )
    observations = models.TextField(_("observations"), blank=True, default="")
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    prepared_at = models.DateTimeField(_("prepared at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    evidence = models.ManyToManyField(
        "audits.Evidence", verbose_name=_("evidence"), blank=True, related_name="procedures"
    )
    findings = models.ManyToManyField(
        "audits.Finding", verbose_name=_("findings"), blank=True, related_name="procedures"
    )
    template_procedure = models.ForeignKey(
        TemplateProcedure,
        verbose_name=_("from template"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[assignees, evidence, findings])
    objects = ProcedureQuerySet.as_manager()

    class Meta:
        ordering = ["engagement", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "number"], name="procedure_number_per_engagement"
            )
        ]
        indexes = [models.Index(fields=["engagement", "status"], name="procedure_eng_status")]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    def __str__(self):
        return f"{self.reference} {self.objective[:60]}"

    @property
    def reference(self) -> str:
        return f"P-{self.number:02d}" if self.number else "P-?"

    @property
    def is_overdue(self) -> bool:
        return (
            self.due_date is not None
            and self.status in (ProcedureStatus.OPEN, ProcedureStatus.IN_PROGRESS)
            and self.due_date < timezone.localdate()
        )

    def clean(self):
        engagement = self.engagement if self.engagement_id else None
        if engagement is None or self.due_date is None:
            return
        if not engagement.period_start <= self.due_date <= engagement.period_end:
            raise ValidationError(
                {
                    "due_date": _(
                        "The due date must fall within the engagement's period "
                        "(%(start)s to %(end)s)."
                    )
                    % {"start": engagement.period_start, "end": engagement.period_end}
                }
            )


class ReviewNote(models.Model):
    """A reviewer's question on a working paper; the preparer must answer it."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="review_notes")
    engagement = models.ForeignKey("audits.Engagement", on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_notes_written"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    response = models.TextField(_("response"), blank=True, default="")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ReviewNoteQuerySet.as_manager()

    class Meta:
        ordering = ["procedure", "created_at", "pk"]
        indexes = [
            models.Index(fields=["engagement", "answered_at"], name="review_note_eng_answered")
        ]
        verbose_name = _("review note")
        verbose_name_plural = _("review notes")

    def __str__(self):
        return f"{self.procedure.reference}: {self.body[:60]}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
