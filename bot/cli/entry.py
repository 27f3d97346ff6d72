"""The `relais` console script: the cyclic garbage collector paused while Relais loads.

Loading makes some 110,000 objects that live as long as the process (modules, classes,
the SQL model, the routes). While they load, the collector walks them again and again
and finds next to no garbage: with gc.callbacks, 0.1-0.25 s of a 0.9 s `relais serve`
start went to its 260 passes. So it is paused while a command loads; once what lasts is
loaded, resume_collector() moves it out of the collector's way with gc.freeze() (as
CPython's documentation suggests for a long-lived process) and lets it run again.
"""

from __future__ import annotations

import gc
import sys

# The commands that load much more once running and call resume_collector() themselves;
# every other command resumes as soon as the command line is read.
LOADING_COMMANDS = frozenset({"serve", "web", "worker"})


def resume_collector() -> None:
    """Freeze what is loaded so far and let the collector run again (if it was paused)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def main() -> None:
    gc.disable()
    from bot.cli.main import main as run

    if not LOADING_COMMANDS.intersection(sys.argv[1:2]):
        resume_collector()
    run()
