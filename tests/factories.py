"""Constants and builders shared by the tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
NODE_MODULES = ROOT / "node_modules"

ZHAOQING = "441200000000"
HUAIJI = "441224000000"  # 怀集县
DEQING = "441226000000"  # 德庆县


def shared_path(*parts: str) -> Path:
    """A file under ../shared (data, samples), the one way tests reach it.

    Outside CI a checkout may lack it and the test skips; with ``CI`` set (``.ci/run`` exports
    CI=1) it is always there, so its absence fails rather than hides the test."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is not here (the shared data sits beside the repository)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


PASSWORD = "Test-Passw0rd-2025"


def another_city():  # type: ignore[no-untyped-def]
    """惠州市, a second city of the province, for tests of what lies outside 肇庆's area."""
    from datetime import date

    from baiqianwan.units.models import Unit

    return Unit.objects.create(
        code="441300000000",
        name="惠州市",
        level="city",
        kind="city",
        edition="2023",
        valid_from=date(2023, 6, 30),
        parent=Unit.objects.get(code="440000000000"),
    )
