"""../shared data: one helper that skips outside CI and fails in CI, used by every test."""

from __future__ import annotations

import re

import pytest

from tests.factories import ROOT, shared_path

# A path into ../shared built by hand: `/ "shared"`, `"shared" /` or `parents[n] / "shared"`.
BY_HAND = re.compile(r"""/\s*["']shared["']|["']shared["']\s*/""")


def test_missing_shared_data_skips_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"no-such-file\.csv is not here"):
        shared_path("data", "no-such-file.csv")


@pytest.mark.parametrize("value", ["1", "true"])
def test_missing_shared_data_fails_in_ci(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match=r"no-such-file\.csv is not here"):
        shared_path("data", "no-such-file.csv")


def test_present_shared_data_is_returned(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    path = shared_path("samples", "xijiang-daily-commentary-2025.txt")
    assert path.is_file() and path.parent.name == "samples"


def test_every_test_reaches_shared_data_through_the_helper():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("*.py")
        if path.name not in ("factories.py", "test_shared_data.py")
        and BY_HAND.search(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, f"use tests.factories.shared_path in {offenders}"
