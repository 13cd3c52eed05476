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
    LOCKOUT = "lockout", _("Account locked out")
    OLD_PASSWORD_FAILED = "old_password", _("Old password check failed")
    ACCOUNT_DISABLE = "account_disable", _("Account disabled")
    ACCOUNT_ENABLE = "account_enable", _("Account enabled")
    PASSWORD_RESET = "password_reset", _("Password reset")
    DOWNLOAD = "download", _("Downloaded")
    OUT_OF_SCOPE = "out_of_scope", _("Refused: outside the area")
    # Plans and supervision.
    ISSUE = "issue", _("Issued")
    CLOSE = "close", _("Closed")
    ASSIGN = "assign", _("Assigned")
    REPORT = "report", _("Reported")
    ACCEPT = "accept", _("Accepted")
    RETURN = "return", _("Returned")
    NOTICE = "notice", _("Notice issued")
    REPLY = "reply", _("Replied")
    ESCALATE = "escalate", _("Escalated")
    INTERVIEW = "interview", _("Marked for interview")
    # Indicators and collection.
    SUBMIT = "submit", _("Submitted")
    APPROVE = "approve", _("Approved")
    LOCK = "lock", _("Locked")
    WAIVE = "waive", _("Waived")
    LOCK_EXCEPTION = "lock_exception", _("Lock exception granted")
    VALUES = "values", _("Values stored")
    # Evaluation.
    EVALUATE = "evaluate", _("Evaluation run")


# What the security administrator reads (`security.read`): refusals and sign-in trouble
# (failed sign-ins, the lock-outs they cause, wrong old passwords on the password page) and
# the unlocks that end lock-outs.
SECURITY_ACTIONS = (
    Action.OUT_OF_SCOPE,
    Action.LOGIN_FAILED,
    Action.LOCKOUT,
    Action.OLD_PASSWORD_FAILED,
    Action.UNLOCK,
)
