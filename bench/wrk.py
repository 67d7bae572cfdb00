"""Load through a real HTTP load generator: wrk (Debian's package) against gunicorn.

wrk runs in its own process (C, event loop), so the client is not the bottleneck; each
run reports the CPU the server's workers and wrk used, so a reader can check that the
bare baseline saturates the server, not the client.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

WORKERS = 2
CONNECTIONS = 8


@dataclass(frozen=True)
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad: int  # non-2xx/3xx answers and socket errors
    server_cpu: float  # CPU-seconds per second used by the server's workers
    client_cpu: float  # the same for wrk
    database_cpu: float  # the same for the local PostgreSQL server's processes (0 on SQLite)


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is missing: `make bench` installs it (apt-get install wrk)")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in children.read_text().split()]


@contextmanager
def gunicorn(factory: str, env: dict[str, str], workers: int = WORKERS) -> Iterator[Server]:
    """`factory` under gunicorn: sync workers, no access log (the same for every app)."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            factory,
        ],
        env={**os.environ, **env},
    )
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + 60
        while len(_safe_pids(server)) < workers or not _listening(port):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"gunicorn did not start: {factory}")
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


def _safe_pids(server: Server) -> list[int]:
    try:
        return server.worker_pids()
    except OSError:
        return []


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
    except OSError:
        return False
    return True


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def _postgres_pids() -> list[int]:
    """The local PostgreSQL server's processes (its backends serve the desk's workers)."""
    found = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "postgres":
                found.append(int(comm.parent.name))
        except OSError:
            continue
    return found


def _wait_idle(workers: list[int], limit: float = 120) -> None:
    """Wait until the workers have answered what wrk left queued when it stopped: else
    the next run would pay for this one's backlog."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        used = _cpu_seconds(workers)
        time.sleep(0.5)
        if _cpu_seconds(workers) - used < 0.02:
            return


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def run_wrk(
    server: Server,
    path: str,
    seconds: float,
    script: Path | None = None,
    headers: dict[str, str] | None = None,
    connections: int = CONNECTIONS,
) -> Load:
    """One wrk run (1 thread): requests per second, p50/p99 latency, CPU of each side."""
    command = [wrk_path(), "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency"]
    command += ["--timeout", "30s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    workers = server.worker_pids()
    before = _cpu_seconds(workers)
    database = _postgres_pids()
    database_before = _cpu_seconds(database)
    started = time.perf_counter()
    wrk = subprocess.Popen([*command, server.url + path], stdout=subprocess.PIPE, text=True)
    client_cpu = 0.0
    while wrk.poll() is None:
        client_cpu = max(client_cpu, _cpu_seconds([wrk.pid]))
        time.sleep(0.2)
    out = wrk.stdout.read() if wrk.stdout else ""
    wall = time.perf_counter() - started
    server_cpu = (_cpu_seconds(workers) - before) / wall
    # Backends started during the run are missed; the pool keeps its connections open.
    database_cpu = (_cpu_seconds(database) - database_before) / wall
    _wait_idle(workers)
    percentiles = {
        m.group(1): _ms(m.group(2), m.group(3))
        for m in re.finditer(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
    }
    done = re.search(r"(\d+) requests in", out)
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors = re.search(r"Socket errors: (.*)$", out, re.M)
    bad += sum(int(n) for n in re.findall(r"\d+", errors.group(1))) if errors else 0
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if rps is None or done is None or len(percentiles) < 2:
        raise RuntimeError(f"cannot read wrk's output:\n{out}")
    return Load(
        float(rps.group(1)),
        percentiles["50"],
        percentiles["99"],
        int(done.group(1)),
        bad,
        server_cpu,
        client_cpu / wall,
        database_cpu,
    )


def post_script(path: Path, requests: list[tuple[str, dict[str, str]]]) -> Path:
    """A wrk Lua script cycling through pre-built POSTs (body, headers): each is sent once
    unless the run outlasts the list."""
    lines = ["local reqs = {}", "init = function(args)"]
    for body, headers in requests:
        pairs = ", ".join(f'["{k}"] = "{v}"' for k, v in headers.items())
        lines.append(f'  reqs[#reqs + 1] = wrk.format("POST", nil, {{{pairs}}}, "{body}")')
    lines += [
        "end",
        "local i = 0",
        "request = function()",
        "  i = i % #reqs + 1",
        "  return reqs[i]",
        "end",
    ]
    path.write_text("\n".join(lines) + "\n")
    return path
