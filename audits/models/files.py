from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _


def evidence_storage():
    """Resolved at run time so a deployment can point STORAGES['evidence'] at S3."""
    return storages["evidence"]


class StoredFile(models.Model):
    """A file kept as filed: server-chosen name, SHA-256 and size over the original bytes,
    the type decided by content, the user's file name as metadata only."""

    file = models.FileField(_("file"), storage=evidence_storage, max_length=255)
    original_filename = models.CharField(
        _("original file name"), max_length=255, blank=True, default=""
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), editable=False)
    content_type = models.CharField(_("content type"), max_length=100, editable=False)

    class Meta:
        abstract = True
