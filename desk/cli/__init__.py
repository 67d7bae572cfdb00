"""The `desk` command line. Each area adds its commands in a module of this package."""

from __future__ import annotations

import click

# Modules register their commands on `main` when imported.
from desk.cli import (  # noqa: F401
    admin,
    billing,
    calendars,
    clients,
    feeds,
    money,
    offers,
    people,
    processes,
    reports,
    rota,
    rota_changes,
    setup_cli,
    simulate,
    simulate_rush,
)
from desk.cli.base import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover
    main()

_ = click  # re-exported for modules that extend the group
