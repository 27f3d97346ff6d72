"""The `relais` console script pauses the cyclic garbage collector while a command loads
(bot/cli/entry.py), and a running `relais serve` has it collecting again."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.serving import relais_serve

PROBE = """
import gc, sys
import bot.cli.main
from bot.cli import entry
seen = []
bot.cli.main.main = lambda: seen.append(gc.isenabled())
for argv in (["relais", "db", "current"], ["relais"], ["relais", "serve"], ["relais", "worker"]):
    gc.enable()
    sys.argv = argv
    entry.main()
    print(" ".join(argv[1:]) or "-", seen[-1])
gc.disable()
entry.resume_collector()
print("resumed", gc.isenabled(), gc.get_freeze_count() > 0, gc.get_threshold()[0] == entry.YOUNG)
"""


@pytest.mark.slow
def test_the_collector_is_paused_only_while_a_command_loads() -> None:
    lines = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    # Short commands get it back before they run; serve and worker once they have loaded,
    # and the young generation is then collected every YOUNG new objects.
    assert lines == [
        "db current True",
        "- True",
        "serve False",
        "worker False",
        "resumed True True True",
    ]


def _collections(metrics: str) -> int:
    found = re.findall(r'^python_gc_collections_total\{generation="0"\} (\S+)$', metrics, re.M)
    return int(float(found[0]))


@pytest.mark.slow
def test_a_running_relais_serve_collects_garbage(tmp_path: Path) -> None:
    with relais_serve(tmp_path) as served:
        before = after = _collections(httpx.get(f"{served.url}/metrics").text)
        # Each request leaves objects behind for the young generation; a pass comes every
        # entry.YOUNG of them: pages are asked for until one comes, 2,500 at most.
        for _round in range(100):
            for _page in range(25):
                assert httpx.get(f"{served.url}/simulator").status_code == 200
            after = _collections(httpx.get(f"{served.url}/metrics").text)
            if after > before:
                break
    assert after > before
