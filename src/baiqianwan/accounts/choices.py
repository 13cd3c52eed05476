from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HQ_ADMIN = "hq_admin", _("Headquarters administrator")
    COUNTY_OPERATOR = "county_operator", _("County operator")
    TOWN_OPERATOR = "town_operator", _("Town operator")
    VILLAGE_REPORTER = "village_reporter", _("Village reporter")
    LEADER = "leader", _("Leader (read-only)")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


# MLPS 2.0 (GB/T 22239-2019) separates these three duties; one account holds one role only,
# and `user_create` refuses a second account for the same person in another of them.
SEPARATED_ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

# The level a role's home unit must have (None: any level).
ROLE_HOME_LEVELS: dict[str, tuple[str, ...] | None] = {
    Role.HQ_ADMIN: ("province", "city"),
    Role.COUNTY_OPERATOR: ("county",),
    Role.TOWN_OPERATOR: ("town",),
    Role.VILLAGE_REPORTER: ("village",),
    Role.LEADER: None,
    Role.SYSTEM_ADMIN: ("province", "city"),
    Role.SECURITY_ADMIN: ("province", "city"),
    Role.AUDIT_ADMIN: ("province", "city"),
}
