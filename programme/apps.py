from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = _("Audit programme")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The engagement cannot leave fieldwork while its programme has open work.
        from programme.services.gate import register_fieldwork_gate

        register_fieldwork_gate()
