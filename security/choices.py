from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKED_OUT = "locked_out", _("Locked out")
    LOGOUT = "logout", _("Logout")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    TOKEN_USED = "token_used", _("API token used")
    PERMISSION_DENIED = "permission_denied", _("Permission denied (403)")
    HIDDEN_OBJECT = "hidden_object", _("Existing object hidden (404)")
    DOWNLOAD = "download", _("File downloaded")
    ADMIN_CHANGE = "admin_change", _("Change in the administration site")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    SECOND_FACTOR = "second_factor", _("Second factor")
