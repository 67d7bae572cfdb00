"""Every command of the `desk` command line, registered on `main` (each module of this
package adds its own when imported)."""

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

_ = click  # re-exported for modules that extend the group
