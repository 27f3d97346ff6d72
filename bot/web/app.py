"""The FastAPI application: routes listed here, services built once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from bot.conversation.handlers import build_router
from bot.db import make_engine, make_session_factory
from bot.group_commit import GroupCommit, LoopGroupCommit
from bot.migrations import check_up_to_date
from bot.settings import Settings
from bot.web import docs, home, simulator
from bot.web.admin.login_required import LoginRequired, login_url
from bot.web.deferred import DeferredRouters, IncludeDeferred
from bot.web.health import router as health_router
from bot.web.media_files import router as media_router
from bot.web.metrics import router as metrics_router
from bot.web.services import Services
from bot.web.webhooks import telegram as telegram_webhook
from bot.web.webhooks import twilio as twilio_webhook

# The dashboard's and the API's routers follow on the first request that needs them
# (bot/web/deferred.py).
ROUTERS: tuple[APIRouter, ...] = (
    health_router,
    metrics_router,
    telegram_webhook.router,
    twilio_webhook.router,
    simulator.router,
    media_router,
    docs.router,
    home.router,
)
STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings, *, background: bool = False) -> FastAPI:
    """The web app; with `background`, the clock and a delivery worker run inside it."""
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    services = Services(
        settings=settings,
        engine=engine,
        factory=factory,
        router=build_router(),
        # SQLite's groups run on the event loop; PostgreSQL's, whose every statement may
        # wait on the network, on the writer thread (group_commit.py).
        group=(
            LoopGroupCommit(factory, engine)
            if engine.dialect.name == "sqlite"
            else GroupCommit(factory)
        ),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        check_up_to_date(engine)
        runner = None
        if background:
            from bot.channels.registry import build_channels
            from bot.domain.media_library import MediaLibrary
            from scheduler.background import Background

            library = MediaLibrary(services.factory, Path(settings.uploads_dir))
            channels = build_channels(settings, library)
            runner = Background(settings=settings, factory=services.factory, channels=channels)
            services.wake_worker = runner.worker.wake
            await runner.start()
        # What a process that stopped left waiting (bot/web/backlog.py), then, now and
        # then, what another process did.
        adopted_all = await services.backlog.adopt_at_start()
        adopting = asyncio.get_running_loop().create_task(
            services.backlog.adopt_forever(adopted_all=adopted_all)
        )
        try:
            yield
        finally:
            adopting.cancel()
            await services.backlog.stop()
            if runner is not None:
                await runner.stop()
            engine.dispose()

    # FastAPI's own /docs and /redoc load from a CDN; bot/web/docs serves them offline.
    app = FastAPI(title="Relais", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.services = services

    @app.exception_handler(LoginRequired)
    async def _to_login(_request: Request, exc: LoginRequired) -> RedirectResponse:
        return RedirectResponse(login_url(exc.back_to), status_code=303)

    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static/admin", StaticFiles(directory=STATIC), name="admin-static")
    app.mount(docs.ASSETS, docs.assets(), name="docs-static")
    app.state.deferred = DeferredRouters(app)
    app.add_middleware(IncludeDeferred, deferred=app.state.deferred)
    return app
