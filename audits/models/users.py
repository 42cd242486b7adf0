from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from audits.choices import ROLE_ORGANIZATION_KINDS, Role
from audits.querysets import UserQuerySet


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person (or a machine) with exactly one role in one organisation.

    A superuser acts as `sai_admin` whatever the role field says.
    """

    full_name = models.CharField(_("full name"), max_length=200, blank=True, default="")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    organization = models.ForeignKey(
        "audits.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        help_text=_("The language of the pages; empty follows the browser."),
    )

    objects = ScopedUserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    @property
    def effective_role(self) -> str:
        return Role.SAI_ADMIN if self.is_superuser else self.role

    def has_role(self, *roles) -> bool:
        return self.is_authenticated and self.effective_role in roles

    @property
    def is_sai_staff(self) -> bool:
        return self.has_role(Role.SAI_ADMIN, Role.SUPERVISOR, Role.AUDITOR)

    @property
    def accreditation_lapsed(self) -> bool:
        """A CSO auditor whose organisation's accreditation is not valid today."""
        return (
            self.effective_role == Role.CSO_AUDITOR
            and self.organization is not None
            and not self.organization.accreditation_valid()
        )

    def clean(self):
        super().clean()
        if self.is_superuser or not self.role:
            return
        if self.organization_id is None:
            raise ValidationError({"organization": _("Every user belongs to an organisation.")})
        kinds = ROLE_ORGANIZATION_KINDS[Role(self.role)]
        if kinds is not None and self.organization.kind not in kinds:
            raise ValidationError(
                {
                    "role": _("A %(role)s cannot belong to an organisation of kind %(kind)s.")
                    % {"role": Role(self.role).label, "kind": self.organization.kind}
                }
            )
