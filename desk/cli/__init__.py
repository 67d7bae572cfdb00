"""The `desk` command line. Each area adds its commands in a module of this package;
`desk.cli.commands` loads them all. The package itself imports nothing, so that the
entry point (`desk.cli.entry`) can let gevent patch the standard library first;
`from desk.cli import main` loads the commands when asked."""

from __future__ import annotations

from typing import Any

__all__ = ["main"]


def __getattr__(name: str) -> Any:
    if name == "main":
        from desk.cli.commands import main

        return main
    raise AttributeError(name)
