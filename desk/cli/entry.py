"""The `desk` command's entry point.

`desk serve` runs gunicorn's gevent workers (docs/decisions.md, "Streams and slow clients
cost a greenlet"): gevent must patch the standard library before anything imports it —
`ssl`, and psycopg, which picks its way of waiting when imported (a blocking one then
freezes every greenlet of the worker) — so the patch comes first here, before the
commands are loaded. Neither this module nor the `desk.cli` package imports anything of
the desk; the commands come from `desk.cli.commands` after the patch. Every other
command runs unpatched.
"""

from __future__ import annotations

import sys


def serving(argv: list[str]) -> bool:
    """Whether `argv` asks for `desk serve` (after the group's own `--config PATH`)."""
    args = iter(argv)
    for arg in args:
        if arg == "--config":
            next(args, None)
        elif not arg.startswith("-"):
            return arg == "serve"
    return False


def main() -> None:
    if serving(sys.argv[1:]):
        from gevent import monkey

        monkey.patch_all()
    from desk.cli.commands import main as desk

    desk()
