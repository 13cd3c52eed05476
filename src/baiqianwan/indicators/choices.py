from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ValueType(models.TextChoices):
    NUMBER = "number", pgettext_lazy("value type", "Number")
    INTEGER = "integer", _("Integer")
    PERCENT = "percent", _("Percentage")
    YES_NO = "yes_no", _("Yes/no")
    COUNT = "count", _("Count")


class Direction(models.TextChoices):
    """正向: more is better; 逆向: less is better (the analysis library's benefit/cost)."""

    POSITIVE = "positive", _("Positive (more is better)")
    NEGATIVE = "negative", _("Negative (less is better)")


class Aggregation(models.TextChoices):
    """How the values of a unit's children make the unit's own value."""

    SUM = "sum", _("Sum")
    WEIGHTED_AVERAGE = "weighted_average", _("Average weighted by another indicator")
    AVERAGE = "average", _("Average")
    MIN = "min", _("Minimum")
    MAX = "max", _("Maximum")
    NONE = "none", _("Not aggregated")


class PeriodType(models.TextChoices):
    YEAR = "year", _("Year")
    HALF = "half", _("Half-year")
    QUARTER = "quarter", _("Quarter")
    MONTH = "month", _("Month")


class Binding(models.TextChoices):
    """约束性 / 预期性, as the national plans mark their indicators."""

    BINDING = "binding", _("Binding")
    INDICATIVE = "indicative", _("Indicative")


class SubmissionState(models.TextChoices):
    """A data set's values for one unit and period, on their way up the tree."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    LOCKED = "locked", _("Locked")
    # The level above let the unit's report be skipped (a village with no one to report).
    WAIVED = "waived", _("Waived")


# The states in which a unit's values may still be entered or changed.
EDITABLE_STATES = frozenset({SubmissionState.DRAFT, SubmissionState.RETURNED})
# The states that count as done for the level above (its own approval may go ahead).
SETTLED_STATES = frozenset(
    {SubmissionState.APPROVED, SubmissionState.LOCKED, SubmissionState.WAIVED}
)


class Severity(models.TextChoices):
    BLOCKING = "blocking", _("Blocking")
    WARNING = "warning", _("Warning")


class Operator(models.TextChoices):
    EQ = "==", "="
    NE = "!=", "≠"
    LT = "<", "<"
    LE = "<=", "≤"
    GT = ">", ">"
    GE = ">=", "≥"


class ValueSource(models.TextChoices):
    """Where a stored value came from, kept with every change."""

    FORM = "form", _("Web form")
    EXCEL = "excel", _("Excel upload")
    API = "api", _("API")
    DHIS2 = "dhis2", _("DHIS2 dataValueSets")
    CSV = "csv", _("Tidy CSV")
    DEMO = "demo", _("Demo data")


class DerivedKind(models.TextChoices):
    AGGREGATE = "aggregate", _("Aggregated from the units below")
    COMPUTED = "computed", _("Computed by formula")
