"""requirements.lock pins every dependency that pyproject.toml names, within its bounds."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.factories import ROOT

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    requirements = [Requirement(line) for line in lines]
    # The lock is for Python 3.11 on Linux: a dependency marked for another platform is not in it.
    linux = {"sys_platform": "linux", "platform_system": "Linux", "python_version": "3.11"}
    return [r for r in requirements if r.marker is None or r.marker.evaluate(linux)]


def locked() -> dict[str, Version]:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    return {canonicalize_name(name): Version(version) for name, version in PIN.findall(text)}


def test_the_lock_pins_every_declared_dependency_within_its_bounds():
    pins = locked()
    problems = []
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        if name not in pins:
            problems.append(f"{requirement} is not in requirements.lock")
        elif not requirement.specifier.contains(pins[name], prereleases=True):
            problems.append(f"requirements.lock pins {name}=={pins[name]}, outside {requirement}")
    assert not problems, "run make lock: " + "; ".join(problems)


def test_the_lock_parser_reads_the_pins():
    """Guards the test above against a parser that finds nothing (and so misses nothing)."""
    pins = locked()
    assert len(pins) > 30
    assert pins[canonicalize_name("Django")].major == 5
    assert {"ruff", "mypy", "django-stubs", "django-axes", "pymcdm", "ahpy"} <= pins.keys()
