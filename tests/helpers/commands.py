"""The `desk` command as the tests start it."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def desk_command() -> str:
    beside_python = Path(sys.executable).with_name("desk")
    found = str(beside_python) if beside_python.exists() else shutil.which("desk")
    assert found, "the `desk` console script is not installed (pip install -e .)"
    return found
