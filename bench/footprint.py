"""How long `relais serve` takes from its start to a 200 on /healthz, and its resident
memory once idle, beside a bare FastAPI app under the same uvicorn settings.

    python bench/footprint.py [--runs 5]

`relais serve` runs as an operator starts it, on a migrated SQLite database, with the
sample campaigns loaded (what it does with no platform configured). The project is
compiled to bytecode first, as an installed package is, so no run pays for compiling it.
The median of --runs starts is reported: wall seconds to ready, and the CPU seconds the
server used until then (steadier on a shared machine). Not a test: it prints a table and
the ratios.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/footprint.py` from anywhere
    sys.path.insert(0, str(ROOT))

from bench.load import (  # noqa: E402
    RELAIS,
    bare_command,
    cpu_seconds,
    free_port,
    relais_env,
    rss_mb,
    server,
)

TARGET_READY = 1.5  # seconds (issue 13)
TARGET_RSS = 100.0  # MB


PACKAGES = ("bot", "scheduler", "content", "alembic", "bench")


@dataclass(frozen=True)
class Start:
    ready: float  # wall seconds from the start to a 200 on /healthz
    cpu: float  # CPU seconds the server had used by then
    rss: float  # MB once idle


def measure(command: list[str], port: int, env: dict[str, str]) -> Start:
    with server(command, port, env) as (process, ready):
        cpu = cpu_seconds(process.pid)
        time.sleep(2.0)  # idle: the clock's first tick and the worker's first look are done
        return Start(ready, cpu, rss_mb(process.pid))


def compile_project() -> None:
    for package in PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    compile_project()
    load_before = os.getloadavg()[0]
    relais: list[Start] = []
    bare: list[Start] = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/footprint.db"
        env = relais_env(database_url=url, uploads_dir=f"{folder}/uploads")
        subprocess.run([str(RELAIS), "db", "upgrade"], env=env, check=True, capture_output=True)  # noqa: S603
        for _ in range(args.runs):
            port = free_port()
            bare.append(measure(bare_command(port), port, relais_env()))
            port = free_port()
            relais.append(measure([str(RELAIS), "serve", "--port", str(port)], port, env))
    ready = statistics.median(s.ready for s in relais)
    cpu = statistics.median(s.cpu for s in relais)
    rss = statistics.median(s.rss for s in relais)
    bare_ready = statistics.median(s.ready for s in bare)
    bare_cpu = statistics.median(s.cpu for s in bare)
    bare_rss = statistics.median(s.rss for s in bare)
    print(f"load average {load_before:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    heading = f"{'ready (s)':>10} {'CPU (s)':>8} {'idle RSS (MB)':>14}"
    print(f"{'':<16} {heading}   (median of {args.runs})")
    print(f"{'relais serve':<16} {ready:>10.2f} {cpu:>8.2f} {rss:>14.1f}")
    print(f"{'bare FastAPI':<16} {bare_ready:>10.2f} {bare_cpu:>8.2f} {bare_rss:>14.1f}")
    print("\nratios (relais / bare, same run; read these, not the seconds):")
    met_ready = "met" if ready <= TARGET_READY else "NOT met"
    met_rss = "met" if rss <= TARGET_RSS else "NOT met"
    print(f"  ready    {ready / bare_ready:.1f}x  (target <= {TARGET_READY} s: {met_ready})")
    print(f"  CPU      {cpu / bare_cpu:.1f}x  to ready")
    print(f"  idle RSS {rss / bare_rss:.1f}x  (target <= {TARGET_RSS:.0f} MB: {met_rss})")


if __name__ == "__main__":
    main()
