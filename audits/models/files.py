from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _


class EvidenceStorage(LazyObject):
    """STORAGES['evidence'], looked up on first use (a deployment points it at S3 by
    settings alone) and again whenever the setting changes, so a file field and the
    services always talk to the same storage."""

    def _setup(self):
        self._wrapped = storages["evidence"]


_evidence_storage = EvidenceStorage()


@receiver(setting_changed)
def _forget_evidence_storage(setting, **kwargs):
    if setting in {"STORAGES", "MEDIA_ROOT"}:
        _evidence_storage._wrapped = empty


def evidence_storage():
    return _evidence_storage


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
