"""Loading all of Guangdong (1 + 21 + 122 + 1,757 + 26,842 units) into a fresh SQLite file.

Target: well under 20 s for the first load; the second load of the same edition changes
nothing and should cost about the same as reading the files. Run: `make bench`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BQW = ROOT / ".venv" / "bin" / "bqw"
TARGET_SECONDS = 20.0


def run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(
        [str(BQW), *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"bqw {' '.join(args)} failed:\n{result.stderr}")
    return elapsed, result.stdout.strip().splitlines()[0] if result.stdout.strip() else ""


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "BQW_MODE": "dev",
            "BQW_VAR_DIR": tmp,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "LANGUAGE": "en",
        }
        run(["migrate", "-v", "0"], env)
        startup, _ = run(["check"], env)
        first, first_summary = run(["units", "load", "--province", "44", "--no-progress"], env)
        second, second_summary = run(["units", "load", "--province", "44", "--no-progress"], env)
    print(f"command start-up (bqw check):      {startup:6.2f} s")
    print(f"first load of Guangdong:           {first:6.2f} s  -> {first_summary}")
    print(f"second load (nothing changes):     {second:6.2f} s  -> {second_summary}")
    print(
        f"first load / 20 s target:          {first / TARGET_SECONDS:6.2f}  (must be well under 1)"
    )
    return 0 if first < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
