"""The `bqw` console script: Django's manage.py plus the server-less analyst commands.

`bqw evaluate` and `bqw intake` work on files alone (no settings, no database), so they are
dispatched before Django is set up; everything else is a Django management command.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from importlib import import_module

# Commands that must run without a database or a SECRET_KEY: name -> "module:function".
STANDALONE_COMMANDS: dict[str, str] = {
    "evaluate": "baiqianwan.cli.evaluate:main",
    "intake": "baiqianwan.cli.intake:main",
}


def _standalone(name: str) -> Callable[[list[str]], int] | None:
    target = STANDALONE_COMMANDS.get(name)
    if target is None:
        return None
    module_name, function_name = target.split(":")
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return None
    return getattr(module, function_name)  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and (command := _standalone(args[1])) is not None:
        return command(args[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baiqianwan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
