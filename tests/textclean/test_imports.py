"""The cleaning module and the intake command load without Django."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module",
    [
        "baiqianwan.textclean",
        "baiqianwan.textclean.decode",
        "baiqianwan.intake.draft",
        "baiqianwan.intake.ledger",
        "baiqianwan.cli.intake",
    ],
)
def test_no_django_module_is_loaded(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(loaded))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == ""
