"""A citizen's grievance, what the public sees of it (updates) and what only staff see
(contact, internal notes, reveals of an anonymous complainant).

The complainant's contact lives in its own table (`GrievanceContact`), outside the
history and outside every public or agency query: no serializer of a grievance can
reach it by accident."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from audits.models.files import StoredFile
from grievances.choices import Channel, Escalation, GrievanceStatus, UpdateKind
from grievances.querysets import GrievanceChildQuerySet, GrievanceQuerySet

DESCRIPTION_MAX_LENGTH = 5000
TEXT_MAX_LENGTH = 5000
MAX_ATTACHMENTS = 5
# The fields a citizen fills in (one list for the form, the API and the service).
FILING_FIELDS = (
    "description",
    "category",
    "agency",
    "location",
    "latitude",
    "longitude",
    "anonymous",
)
CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")
# What triage may change on a grievance besides its status.
TRIAGE_FIELDS = ("category", "agency", "assigned_to")

phone_validator = RegexValidator(
    r"^\+?[0-9 ()./-]{6,30}$", _("Give a phone number: digits, spaces and + ( ) - only.")
)


class GrievanceCategory(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True, default="")
    active = models.BooleanField(_("offered to citizens"), default=True)
    position = models.PositiveSmallIntegerField(_("position in the list"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("grievance category")
        verbose_name_plural = _("grievance categories")

    def __str__(self):
        return self.name


class NonWorkingDay(models.Model):
    """A day the SAI declares non-working on top of weekends and public holidays
    (a typhoon suspension of government work, a local holiday)."""

    day = models.DateField(_("day"), unique=True)
    reason = models.CharField(_("reason"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-day"]
        verbose_name = _("declared non-working day")
        verbose_name_plural = _("declared non-working days")

    def __str__(self):
        return f"{self.day}: {self.reason}"


class Open311Client(models.Model):
    """A registered civic-reporting app that may file through Open311 with its api_key.
    Only the key's SHA-256 is kept; the key is shown once, when the client is created."""

    name = models.CharField(_("name"), max_length=200)
    key_digest = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("Open311 client app")
        verbose_name_plural = _("Open311 client apps")

    def __str__(self):
        return self.name


class Grievance(models.Model):
    tracking_code = models.CharField(_("tracking code"), max_length=20, unique=True, editable=False)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH)
    category = models.ForeignKey(
        GrievanceCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="grievances",
    )
    agency = models.ForeignKey(
        "audits.Organization",
        verbose_name=_("agency concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grievances_named",
        help_text=_("The agency the citizen named, if they knew it."),
    )
    location = models.CharField(_("location"), max_length=300, blank=True, default="")
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_("Name and contact hidden even from staff; only the SAI admin reveals them."),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=GrievanceStatus.choices,
        default=GrievanceStatus.RECEIVED,
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by (desk)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    open311_client = models.ForeignKey(
        Open311Client,
        verbose_name=_("Open311 app"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grievances",
    )
    # Keyed hashes, for duplicate detection only (never the client's address itself).
    client_digest = models.CharField(max_length=64, blank=True, default="", editable=False)
    description_digest = models.CharField(max_length=64, editable=False)

    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grievances_assigned",
    )
    referred_agency = models.ForeignKey(
        "audits.Organization",
        verbose_name=_("referred to agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grievances_referred",
    )
    engagement = models.ForeignKey(
        "audits.Engagement",
        verbose_name=_("engagement it fed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grievances",
    )
    referred_on = models.DateField(_("referred on"), null=True, blank=True, editable=False)
    verify_due = models.DateField(_("verification due"), editable=False)
    plan_due = models.DateField(_("agency's plan due"), null=True, blank=True, editable=False)
    plan_received_at = models.DateTimeField(
        _("action plan received at"), null=True, blank=True, editable=False
    )
    escalation = models.CharField(
        _("escalated"), max_length=20, choices=Escalation.choices, blank=True, default=""
    )
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True, editable=False)
    first_public_update_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["client_digest", "description_digest"])
    objects = GrievanceQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("grievance")
        verbose_name_plural = _("grievances")
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["client_digest", "description_digest", "submitted_at"]),
            models.Index(fields=["referred_agency", "status"]),
            models.Index(fields=["verify_due"]),
            models.Index(fields=["plan_due"]),
        ]

    def __str__(self):
        return self.grouped_code

    @property
    def grouped_code(self) -> str:
        from grievances.tracking import group_code

        return group_code(self.tracking_code)


class GrievanceContact(models.Model):
    """Who filed it, if they said. Never in history, never in a public or agency view."""

    grievance = models.OneToOneField(
        Grievance, on_delete=models.CASCADE, primary_key=True, related_name="contact"
    )
    name = models.CharField(_("name"), max_length=200, blank=True, default="")
    email = models.EmailField(_("e-mail"), max_length=254, blank=True, default="")
    phone = models.CharField(
        _("phone"), max_length=30, blank=True, default="", validators=[phone_validator]
    )

    class Meta:
        verbose_name = _("complainant's contact")
        verbose_name_plural = _("complainants' contacts")

    def __str__(self):
        return str(_("Contact"))

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.email or self.phone)


class ContactReveal(models.Model):
    """Each time the SAI administrator reads an anonymous complainant's contact."""

    grievance = models.ForeignKey(Grievance, on_delete=models.PROTECT, related_name="reveals")
    revealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=TEXT_MAX_LENGTH)
    revealed_at = models.DateTimeField(_("revealed at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-revealed_at"]
        verbose_name = _("contact reveal")
        verbose_name_plural = _("contact reveals")

    def __str__(self):
        return f"{self.grievance} · {self.revealed_at:%Y-%m-%d %H:%M}"


class GrievanceUpdate(models.Model):
    """A public update: shown on tracking and mailed to the complainant. Never edited."""

    grievance = models.ForeignKey(Grievance, on_delete=models.PROTECT, related_name="updates")
    kind = models.CharField(_("kind"), max_length=20, choices=UpdateKind.choices)
    status = models.CharField(_("status then"), max_length=20, choices=GrievanceStatus.choices)
    text = models.TextField(_("text"), max_length=TEXT_MAX_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = GrievanceChildQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("public update")
        verbose_name_plural = _("public updates")

    def __str__(self):
        return self.text[:60]


class GrievanceNote(models.Model):
    """An internal note of the triage staff: never public, never shown to the agency."""

    grievance = models.ForeignKey(Grievance, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField(_("text"), max_length=TEXT_MAX_LENGTH)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self):
        return self.text[:60]


class GrievanceAttachment(StoredFile):
    """A photo or document filed with the grievance, checked like field evidence."""

    grievance = models.ForeignKey(Grievance, on_delete=models.PROTECT, related_name="attachments")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    objects = GrievanceChildQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
