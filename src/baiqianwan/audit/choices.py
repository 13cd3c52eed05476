from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    RETIRE = "retire", _("Retired")
    LOAD = "load", _("Loaded")
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOGOUT = "logout", _("Signed out")
    PASSWORD = "password", _("Password changed")
    UNLOCK = "unlock", _("Account unlocked")
    DOWNLOAD = "download", _("Downloaded")
    OUT_OF_SCOPE = "out_of_scope", _("Refused: outside the area")


# What the security administrator reads (`security.read`): refusals and sign-in trouble.
SECURITY_ACTIONS = (Action.OUT_OF_SCOPE, Action.LOGIN_FAILED, Action.UNLOCK)
