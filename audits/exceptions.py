"""Domain errors. Services raise these (or Django's ValidationError for bad input);
the API's exception handler and the web views turn each into one answer."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status_code = 400
    default_message = _("The request could not be carried out.")

    def __init__(self, message=None):
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class NotPermitted(DomainError):
    """The caller can see the object but may not do this."""

    status_code = 403
    default_message = _("You may not do this.")


class TransitionNotAllowed(DomainError):
    """The state machine has no such move from the current state."""

    status_code = 409
    default_message = _("This change of status is not allowed from the current status.")


class Conflict(DomainError):
    """The object changed under the caller (concurrent write, workflow invariant)."""

    status_code = 409
    default_message = _("The object was changed by someone else; reload and try again.")


class PreconditionFailed(DomainError):
    status_code = 412
    default_message = _("The object has changed since you read it (stale If-Match).")


class FileTooLarge(DomainError):
    status_code = 413
    default_message = _("The file is larger than the upload limit.")


class UnsupportedFileType(DomainError):
    status_code = 415
    default_message = _("This type of file is not accepted.")


class DuplicateEvidence(Conflict):
    """The same bytes (same SHA-256) were already filed on this engagement."""

    def __init__(self, existing):
        self.existing = existing
        super().__init__(
            _("The same file is already filed as #%(pk)s on this engagement.") % {"pk": existing.pk}
        )
