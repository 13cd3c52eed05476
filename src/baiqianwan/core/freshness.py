"""Caches that are never stale: every write to an area's data bumps the area's version (one
row in `DataVersion`, shared by the web servers and the worker), and cached figures are keyed
by the versions they were computed from. A read asks for the versions (one small query) and
finds its entry only if nothing it depends on changed since; no expiry, no overnight batch.

Writers call `data_changed("indicators")` (values, approvals), `data_changed("plans")`
(tasks, reports, lights, notices) or `data_changed("evaluation")` (a finished run).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F

from baiqianwan.core.models import DataVersion

AREAS = ("indicators", "plans", "evaluation", "units")
T = TypeVar("T")


def _bump(areas: Iterable[str]) -> None:
    for area in areas:
        if not DataVersion.objects.filter(area=area).update(version=F("version") + 1):
            try:
                with transaction.atomic():
                    DataVersion.objects.create(area=area, version=1)
            except IntegrityError:  # created by another writer meanwhile
                DataVersion.objects.filter(area=area).update(version=F("version") + 1)


def data_changed(*areas: str) -> None:
    """The areas' data changed: once the current transaction commits (at once outside
    one), their versions rise and every cached figure depending on them is recomputed."""
    unknown = set(areas) - set(AREAS)
    if unknown:
        raise ValueError(f"unknown data areas: {sorted(unknown)}")
    transaction.on_commit(lambda: _bump(areas))


def data_versions(areas: Iterable[str]) -> tuple[int, ...]:
    """The current versions of the areas, in the order given (0 for never changed)."""
    wanted = list(areas)
    found = dict(DataVersion.objects.filter(area__in=wanted).values_list("area", "version"))
    return tuple(found.get(area, 0) for area in wanted)


def cached(key: str, areas: Iterable[str], compute: Callable[[], T], timeout: int = 3600) -> T:
    """`compute()`, or its result cached under `key` while the areas' versions stay the
    same."""
    wanted = list(areas)
    versions = data_versions(wanted)
    full = f"fresh:{key}:{'.'.join(map(str, versions))}"
    found: Any = cache.get(full)
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = compute()
    cache.set(full, value, timeout)
    return value
