"""The `relais` console script: the cyclic garbage collector paused while Relais loads.

Loading makes some 110,000 objects that live as long as the process (modules, classes,
the SQL model, the routes). While they load, the collector walks them again and again
and finds next to no garbage: with gc.callbacks, 0.1-0.25 s of a 0.9 s `relais serve`
start went to its 260 passes. So it is paused while a command loads; once what lasts is
loaded, resume_collector() moves it out of the collector's way with gc.freeze() (as
CPython's documentation suggests for a long-lived process) and lets it run again.

It then collects the young generation every YOUNG new objects rather than CPython's 700: a
delivery worker sending a broadcast left objects enough for a pass every 19 messages
(1,100 passes over 20,000), and with the passes 10,000 apart its own work (the same run
with each platform call answered at once) cost 0.22 against 0.26-0.27 ms of CPU a
message. What waits for a pass is at most those objects' worth of garbage in cycles.
"""

from __future__ import annotations

import gc
import sys

# The commands that load much more once running and call resume_collector() themselves;
# every other command resumes as soon as the command line is read.
LOADING_COMMANDS = frozenset({"serve", "web", "worker"})
YOUNG = 10_000  # new objects between two passes over the young generation


def resume_collector() -> None:
    """Freeze what is loaded so far and let the collector run again (if it was paused)."""
    if not gc.isenabled():
        settle_collector()


def settle_collector() -> None:
    """What is loaded so far frozen out of the collector's way, the young generation
    collected every YOUNG new objects, and the collector running."""
    gc.freeze()
    gc.set_threshold(YOUNG, *gc.get_threshold()[1:])
    gc.enable()


def main() -> None:
    gc.disable()
    from bot.cli.main import main as run

    if not LOADING_COMMANDS.intersection(sys.argv[1:2]):
        resume_collector()
    run()
