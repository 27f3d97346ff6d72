"""The campaign's indicators (DEFINITIONS.md beside this file, the booklet's §3.3),
computed in SQL for any period and breakdown; figures.py holds the values every view
shows, and `compute` (computation.py) is the one entry point."""

from bot.domain.indicators.computation import compute

__all__ = ["compute"]
