"""The analysis core must never import Django (the CLI has its own check in tests/cli)."""

from __future__ import annotations

import subprocess
import sys


def test_analysis_imports_no_django() -> None:
    module = "baiqianwan.analysis"
    code = (
        f"import sys, {module}; "
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')); "
        "assert not bad, bad"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr


def test_public_api_names() -> None:
    from baiqianwan import analysis as an

    for name in [
        "normalize",
        "entropy_weights",
        "cv_weights",
        "critic_weights",
        "ahp_weights",
        "combine_weights",
        "topsis",
        "weighted_sum",
        "coupling_coordination",
        "theil",
        "gini",
        "cv",
        "obstacle_degree",
        "target_achievement",
        "rank_change",
        "sigma_convergence",
        "beta_convergence",
    ]:
        assert callable(getattr(an, name)), name
