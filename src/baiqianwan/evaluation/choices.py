from django.db import models
from django.utils.translation import gettext_lazy as _


class Weighting(models.TextChoices):
    """How a scheme weights its indicators (see docs/methods/weights.md)."""

    ENTROPY = "entropy", _("Entropy")
    CV = "cv", _("Coefficient of variation")
    CRITIC = "critic", _("CRITIC")
    AHP = "ahp", _("AHP (pairwise judgements)")
    GIVEN = "given", _("Given weights")
    COMBINED = "combined", _("AHP combined with entropy")


class AhpOver(models.TextChoices):
    """What the pairwise matrix compares: the scheme's dimensions (each dimension's weight is
    shared among its indicators by entropy) or the indicators themselves."""

    DIMENSIONS = "dimensions", _("Dimensions")
    INDICATORS = "indicators", _("Indicators")


class Normalization(models.TextChoices):
    MINMAX = "minmax", _("Min-max")
    VECTOR = "vector", _("Vector (Euclidean)")


class Cost(models.TextChoices):
    """How TOPSIS treats a negative indicator: reversed before the distances (invert) or
    with its ideal at the column minimum (ideal)."""

    INVERT = "invert", _("Reverse negative indicators first")
    IDEAL = "ideal", _("Ideal at the minimum")


class MissingRule(models.TextChoices):
    """What a run does with a unit that lacks a value (the library's `missing`)."""

    RAISE = "raise", _("Refuse the run and list the units")
    DROP = "drop", _("Leave those units out of the ranking")
    MEAN = "mean", _("Fill with the mean of the other units")
    MEDIAN = "median", _("Fill with the median of the other units")


class Source(models.TextChoices):
    APPROVED = "approved", _("Approved values")
    UPLOAD = "upload", _("Uploaded spreadsheet")


class RunState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Track(models.TextChoices):
    """The county tracks of the annual assessment, set by headquarters per year."""

    LEAD = "lead", _("创先 (leading)")
    ADVANCE = "advance", _("进位 (advancing)")
    CATCH_UP = "catch_up", _("消薄 (catching up)")
