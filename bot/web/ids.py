"""Bounds for the integers /api and /admin take in paths: what a database INTEGER holds.

Past 2**31 - 1 PostgreSQL refuses the value and past 2**63 SQLite does, both with a
500; bounded here, a huge id is a 422 on either database.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

INT_MAX = 2**31 - 1
RowId = Annotated[int, Path(ge=1, le=INT_MAX, description="The row's id.")]
