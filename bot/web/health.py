"""GET /healthz: the process answers and the database does too."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from bot.db import ping
from bot.web.services import Services, ServicesDep

logger = logging.getLogger(__name__)
router = APIRouter()


def _database_ok(services: Services) -> bool:
    try:
        with services.factory() as session:
            ping(session)
    except SQLAlchemyError:
        logger.exception("health check: database unreachable")
        return False
    return True


@router.get("/healthz", tags=["operations"])
async def healthz(services: ServicesDep) -> JSONResponse:
    """Reports whether the database is reachable (503 when it is not)."""
    ok = await run_in_threadpool(_database_ok, services)
    return JSONResponse(
        {"status": "ok" if ok else "unavailable", "database": "ok" if ok else "unreachable"},
        status_code=200 if ok else 503,
    )
