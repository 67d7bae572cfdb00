"""Instructions per request, counted by callgrind: figures the machine's load cannot move.

wrk's requests a second move by a tenth from one run to the next on a shared machine,
as much as a change worth making. callgrind counts the instructions the process runs
(valgrind's CPU, not the machine's), the same within a percent from run to run. For
SQLite and PostgreSQL: a copy of `bench_load`'s network (1,000 clients, 300 secretaries,
200 calls each) serves a thousand signed `incoming` webhooks uncounted, then 200 counted
(the same CallSids each run, through Flask's test client, in one process); the bare
Flask app of `bench_load` answers the same requests the same way. Printed: instructions
per request of each, and bare / incoming (the throughput ratio's CPU-only cousin: it
leaves out the waits for the disk and the database, which callgrind does not see).
The database server's own instructions are not counted (PostgreSQL is another process).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from sqlalchemy import create_engine

WARM = 1000
COUNTED = 200


def _child(app_kind: str) -> None:
    """In the process valgrind runs: warm up uncounted, count `COUNTED` requests."""
    from twilio.request_validator import RequestValidator

    from bench import bench_load
    from bench.network import desk_number

    app = bench_load.desk_app() if app_kind == "desk" else bench_load.bare_app()
    client = app.test_client()
    validator = RequestValidator(bench_load.TOKEN)

    def post(i: int) -> None:
        form = {"CallSid": f"CA{i:032d}", "From": "+33145678901", "CallStatus": "ringing"}
        form |= {"To": desk_number(1 + (i * 7919) % 1000), "Direction": "inbound"}
        signature = validator.compute_signature(bench_load.PUBLIC + bench_load.INCOMING, form)
        headers = {"X-Twilio-Signature": signature}
        answer = client.post(
            bench_load.INCOMING, data=form, headers=headers, base_url=bench_load.PUBLIC
        )
        assert answer.status_code == 200, answer.status_code

    for i in range(WARM):
        post(i)
    pid = str(os.getpid())
    subprocess.run(["callgrind_control", "-i", "on", pid], check=True, capture_output=True)
    for i in range(WARM, WARM + COUNTED):
        post(i)
    subprocess.run(["callgrind_control", "-i", "off", pid], check=True, capture_output=True)


def _counted(app_kind: str, env: dict[str, str], tmp: Path) -> float:
    """Instructions per counted request of `app_kind` ('desk' or 'bare')."""
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no"]
    command += [f"--callgrind-out-file={tmp / f'callgrind.{app_kind}.out'}"]
    command += [sys.executable, "-m", "bench.bench_instructions", app_kind]
    done = subprocess.run(
        command,
        env={**os.environ, **env, "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"callgrind failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return int(found.group(1)) / COUNTED


def run() -> None:
    if shutil.which("valgrind") is None:
        print("   valgrind is missing: `make bench` installs it (apt-get install valgrind)")
        return
    from bench import bench_load
    from bench.network import seed_network

    kinds = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    with tempfile.TemporaryDirectory(prefix="bench-instructions-") as name:
        tmp = Path(name)
        (tmp / "instance").mkdir()
        for kind in kinds:
            with bench_load.database(kind, tmp, "instructions") as url:
                if url is None:
                    continue
                seed_network(create_engine(url), 1000, calls_per_client=200)
                env = {"BENCH_DB_URL": url, "BENCH_INSTANCE": str(tmp / "instance")}
                desk = _counted("desk", env, tmp)
                bare = _counted("bare", env, tmp)
                print(
                    f"   {kind}: incoming {desk / 1e6:.2f} M instructions a request,"
                    f" bare Flask {bare / 1e6:.2f} M; bare / incoming {bare / desk:.3f}"
                )


if __name__ == "__main__":
    _child(sys.argv[1])
