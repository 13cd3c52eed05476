from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "baiqianwan.audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from baiqianwan.audit import (  # noqa: F401  (connect the receivers and checks)
            checks,
            signals,
        )
