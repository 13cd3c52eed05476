"""Outliers among reported values: a change too large since the comparison period, and a
value far from its peers'. No Django: arrays of units × indicators in, arrays out.

Both methods only *point at* values to look at again; a flagged value may well be right
(a new factory, a merged village). A missing value (NaN) is never judged, and a method that
cannot judge (no previous value, a zero spread among peers) says so rather than flag.

>>> current = np.array([[150.0], [100.0], [-5.0]])
>>> previous = np.array([[100.0], [0.0], [10.0]])
>>> change_outliers(current, previous).reason[:, 0].tolist()
[0, 4, 3]
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

# A change of more than half the comparison period's value (either way) is worth a look.
CHANGE_THRESHOLD = 0.5
# Iglewicz & Hoaglin's cut-off for |M|, and the constant that makes MAD estimate σ:
# 0.6745 is the 0.75 quantile of the standard normal distribution.
Z_THRESHOLD = 3.5
Z_CONSTANT = 0.6745
# Fewer peers than this give no median worth comparing with (two values are each other's
# mirror: both or neither would be "far").
MIN_PEERS = 3


class ChangeReason(IntEnum):
    """Why a change is flagged (0: it is not)."""

    NONE = 0
    RISE = 1  # up by more than the threshold
    FALL = 2  # down by more than the threshold
    SIGN_FLIP = 3  # from positive to negative or back
    FROM_ZERO = 4  # zero before, not zero now
    TO_ZERO = 5  # not zero before, zero now


@dataclass(frozen=True)
class ChangeResult:
    """The period-on-period comparison, each array shaped like the input.

    change : relative change (x − x₀) / |x₀|, NaN where it cannot be computed
    judged : both values present
    reason : `ChangeReason` codes; `flagged` is ``reason != 0``
    """

    change: np.ndarray
    judged: np.ndarray
    reason: np.ndarray
    threshold: float

    @property
    def flagged(self) -> np.ndarray:
        return self.reason != ChangeReason.NONE


@dataclass(frozen=True)
class ZResult:
    """The modified z-score among peers, arrays shaped like the input (units × indicators).

    median, mad : each value's peer group's median and median absolute deviation
    peers : how many peers (with a value) each value's group has, itself included
    z : M = 0.6745 (x − median) / MAD; NaN where it cannot be judged
    judged : a value, at least `MIN_PEERS` peers and MAD > 0
    flagged : |M| > threshold
    """

    median: np.ndarray
    mad: np.ndarray
    peers: np.ndarray
    z: np.ndarray
    judged: np.ndarray
    flagged: np.ndarray
    threshold: float


def change_outliers(
    current: np.ndarray, previous: np.ndarray, *, threshold: float = CHANGE_THRESHOLD
) -> ChangeResult:
    """Flag values that changed by more than `threshold` (a fraction: 0.5 is ±50 %) since the
    comparison period, and every sign flip and jump from or to zero.

    The relative change is r = (x − x₀) / |x₀| (dividing by |x₀| keeps a rise a rise when
    x₀ < 0). A jump from zero has no relative change (r is NaN) and is flagged as such; both
    zero is no change. A pair with either value missing is not judged. This is the ratio
    edit of statistical data editing (the current value against the previous one, within
    bounds; T. de Waal, J. Pannekoek and S. Scholtus, *Handbook of Statistical Data Editing
    and Imputation*, Wiley 2011), with the ±50 % bounds as the default.

    Parameters
    ----------
    current, previous : array_like
        Same shape (units × indicators); NaN for missing.
    threshold : float
        The largest relative change not flagged, > 0.
    """
    if threshold <= 0:
        raise ValueError("the change threshold must be greater than 0")
    x = np.asarray(current, dtype=float)
    x0 = np.asarray(previous, dtype=float)
    if x.shape != x0.shape:
        raise ValueError(f"current {x.shape} and previous {x0.shape} differ in shape")
    judged = np.isfinite(x) & np.isfinite(x0)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(judged & (x0 != 0), (x - x0) / np.abs(x0), np.nan)
    reason = np.zeros(x.shape, dtype=np.int8)
    with np.errstate(invalid="ignore"):
        reason[judged & (change > threshold)] = ChangeReason.RISE
        reason[judged & (change < -threshold)] = ChangeReason.FALL
        reason[judged & (x * x0 < 0)] = ChangeReason.SIGN_FLIP
    reason[judged & (x0 == 0) & (x != 0)] = ChangeReason.FROM_ZERO
    reason[judged & (x0 != 0) & (x == 0)] = ChangeReason.TO_ZERO
    return ChangeResult(change=change, judged=judged, reason=reason, threshold=threshold)


def _padded(values: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The values laid out as groups × members × indicators (NaN padding), and each unit's
    group index, so medians run over axis 1 without a loop over groups or units."""
    labels, index = np.unique(groups, return_inverse=True)
    order = np.argsort(index, kind="stable")
    sizes = np.bincount(index, minlength=len(labels))
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    slot = np.empty(len(index), dtype=np.intp)
    slot[order] = np.arange(len(index)) - np.repeat(starts, sizes)
    cube = np.full((len(labels), int(sizes.max(initial=0)), values.shape[1]), np.nan)
    cube[index, slot] = values
    return cube, index


def modified_z(
    values: np.ndarray,
    groups: np.ndarray | None = None,
    *,
    threshold: float = Z_THRESHOLD,
) -> ZResult:
    """The modified z-score of each value among its peers (Iglewicz & Hoaglin 1993).

    For the values x of one peer group and indicator, with m = median(x) and
    MAD = median(|x − m|), M = 0.6745 (x − m) / MAD; |M| > 3.5
    marks a potential outlier. The median and MAD are barely moved by the outliers
    themselves, unlike the mean and standard deviation of the plain z-score.

    Edge cases: missing values (NaN) are left out of the median and MAD and are not judged;
    a group with fewer than `MIN_PEERS` values is not judged; MAD = 0 (at least half of the
    peers report the same value) is not judged either: every other value would get an
    infinite M, which says nothing about how unusual it is.

    Parameters
    ----------
    values : array_like
        Units × indicators (a 1-D array is one indicator); NaN for missing.
    groups : array_like, optional
        One label per unit: its peer group (its parent's code for siblings). None: all the
        units are peers.
    threshold : float
        The |M| above which a value is flagged.

    References
    ----------
    B. Iglewicz and D. C. Hoaglin, *How to Detect and Handle Outliers*, ASQC Basic
    References in Quality Control 16, ASQ Quality Press, 1993, ch. 2.2.
    NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.5.17 "Detection of Outliers".
    """
    x = np.asarray(values, dtype=float)
    one_dimensional = x.ndim == 1
    if one_dimensional:
        x = x[:, None]
    if x.ndim != 2:
        raise ValueError("values must be units × indicators")
    labels = np.zeros(x.shape[0], dtype=np.intp) if groups is None else np.asarray(groups)
    if labels.shape != (x.shape[0],):
        raise ValueError(f"{labels.shape[0]} group labels for {x.shape[0]} units")
    if x.shape[0] == 0:
        empty = np.empty(x.shape)
        return ZResult(
            empty,
            empty,
            empty.astype(int),
            empty,
            empty.astype(bool),
            empty.astype(bool),
            threshold,
        )
    cube, index = _padded(x, labels)
    with warnings.catch_warnings():
        # A group with no value of an indicator has no median: NaN, not a warning.
        warnings.simplefilter("ignore", RuntimeWarning)
        median = np.nanmedian(cube, axis=1)
        mad = np.nanmedian(np.abs(cube - median[:, None, :]), axis=1)
    count = np.sum(np.isfinite(cube), axis=1)
    median_u, mad_u, peers = median[index], mad[index], count[index]
    judged = np.isfinite(x) & (peers >= MIN_PEERS) & (mad_u > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(judged, Z_CONSTANT * (x - median_u) / mad_u, np.nan)
    flagged = judged & (np.abs(np.nan_to_num(z)) > threshold)
    if one_dimensional:
        median_u, mad_u, peers, z, judged, flagged = (
            a[:, 0] for a in (median_u, mad_u, peers, z, judged, flagged)
        )
    return ZResult(
        median=median_u,
        mad=mad_u,
        peers=peers,
        z=z,
        judged=judged,
        flagged=flagged,
        threshold=threshold,
    )
