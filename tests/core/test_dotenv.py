"""`.env` in the working directory supplies the settings; the environment wins over it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from baiqianwan.config import ConfigError, config_from_env, dotenv_read


def test_the_file_is_read_with_comments_quotes_and_export(tmp_path: Path):
    (tmp_path / ".env").write_text(
        "# a comment\n\nBQW_MODE=demo\nexport SESSION_IDLE_MINUTES=15\n"
        "ALLOWED_HOSTS='a.example, b.example'\nSECRET_KEY=\n",
        encoding="utf-8",
    )
    assert dotenv_read(tmp_path / ".env") == {
        "BQW_MODE": "demo",
        "SESSION_IDLE_MINUTES": "15",
        "ALLOWED_HOSTS": "a.example, b.example",
        "SECRET_KEY": "",
    }
    assert dotenv_read(tmp_path / "missing") == {}


def test_a_wrong_line_names_the_file_and_the_line(tmp_path: Path):
    (tmp_path / ".env").write_text("BQW_MODE=dev\nthis is not a variable\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\.env, line 2: expected NAME=value"):
        dotenv_read(tmp_path / ".env")


def test_the_environment_wins_over_the_file(tmp_path: Path, monkeypatch):
    (tmp_path / ".env").write_text("BQW_MODE=demo\nSESSION_IDLE_MINUTES=15\n", encoding="utf-8")
    monkeypatch.setenv("BQW_MODE", "dev")
    monkeypatch.delenv("SESSION_IDLE_MINUTES", raising=False)
    config = config_from_env(base_dir=tmp_path)
    assert config.mode == "dev" and config.session_idle_minutes == 15
    # An explicit mapping is taken as it is: no file is read.
    assert config_from_env({"BQW_MODE": "dev"}, base_dir=tmp_path).session_idle_minutes == 30


def test_bqw_runs_in_a_fresh_shell_with_the_file_only(tmp_path: Path):
    """What `make demo` leaves behind is enough: no BQW_MODE or SECRET_KEY in the shell."""
    env = {k: v for k, v in os.environ.items() if k not in ("BQW_MODE", "SECRET_KEY")}
    command = [sys.executable, "-c", "import baiqianwan.settings as s; print(s.BQW_MODE)"]
    refused = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True)
    assert refused.returncode == 2 and "SECRET_KEY is not set" in refused.stderr
    (tmp_path / ".env").write_text("BQW_MODE=demo\n", encoding="utf-8")
    started = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "demo"
