"""What the benchmarks share: a fresh SQLite file in a temporary directory, migrated, with
肇庆市's units loaded as a user loads them (`bqw`), then Django started on it in-process."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BQW = ROOT / ".venv" / "bin" / "bqw"


def bqw(args: list[str], env: dict[str, str]) -> float:
    """Run `bqw args` as a user would (a new process); its seconds, or exit with its error."""
    start = time.perf_counter()
    result = subprocess.run(
        [str(BQW), *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"bqw {' '.join(args)} failed:\n{result.stderr}")
    return time.perf_counter() - start


@contextmanager
def zhaoqing_database() -> Iterator[dict[str, str]]:
    """A migrated SQLite database with 肇庆市's units, Django set up on it; yields the
    environment that `bqw` commands and a server need to reach it. Messages in English."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "BQW_MODE": "dev",
            "BQW_VAR_DIR": tmp,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "LANGUAGE": "en",
        }
        bqw(["migrate", "-v", "0"], env)
        bqw(["units", "load", "--city", "4412", "--no-progress"], env)
        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "baiqianwan.settings"
        import django

        django.setup()
        yield env
