"""Constants and builders shared by the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
NODE_MODULES = ROOT / "node_modules"

ZHAOQING = "441200000000"
HUAIJI = "441224000000"  # 怀集县
DEQING = "441226000000"  # 德庆县


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared data sits beside the repository)")
    return path


PASSWORD = "Test-Passw0rd-2025"
