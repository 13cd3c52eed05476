from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlanStatus(models.TextChoices):
    """A plan is drafted (edited freely), issued (assigned, reported on) and closed (kept)."""

    DRAFT = "draft", _("draft")
    ISSUED = "issued", _("issued")
    CLOSED = "closed", _("closed")


class PartyRole(models.TextChoices):
    LEAD = "lead", _("lead unit")
    PARTNER = "partner", _("partner unit")


class DeadlineKind(models.TextChoices):
    """How a task's 完成时限 reads: a date, a recurring duty, or text kept as written."""

    DATE = "date", _("by a date")
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    HALF_YEARLY = "half_yearly", _("half-yearly")
    YEARLY = "yearly", _("yearly")
    LONG_TERM = "long_term", _("long-term")
    TEXT = "text", _("as written")


class ReportCycle(models.TextChoices):
    """How often the responsible units report progress on a plan."""

    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")


class ProgressStatus(models.TextChoices):
    """The reporting unit's own word on how the work stands."""

    ON_TRACK = "on_track", _("on track")
    AT_RISK = "at_risk", _("difficulties")
    STALLED = "stalled", _("stalled")
    DONE = "done", _("completed")


class ReviewState(models.TextChoices):
    SUBMITTED = "submitted", _("awaiting review")
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("returned")


class Light(models.TextChoices):
    """An assignment's status light (see docs/plans.md for the rule)."""

    GREEN = "green", _("on schedule")
    YELLOW = "yellow", _("at risk")
    RED = "red", _("overdue")
    DONE = "done", _("done")


# Worst first: a task or a parent shows the worst light among its assignments.
LIGHT_SEVERITY = {Light.RED: 3, Light.YELLOW: 2, Light.GREEN: 1, Light.DONE: 0}


class NoticeState(models.TextChoices):
    """Where a supervision notice (督办单) stands."""

    OPEN = "open", _("awaiting reply")
    REPLIED = "replied", _("replied")
    ESCALATED = "escalated", _("escalated")
    INTERVIEW = "interview", _("marked for interview")
    CLOSED = "closed", _("closed")


class NoticeStepKind(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("notice", "issued")
    REPLIED = "replied", _("replied")
    ESCALATED = "escalated", _("escalated")
    INTERVIEW = "interview", _("marked for interview")
    CLOSED = "closed", _("closed")
