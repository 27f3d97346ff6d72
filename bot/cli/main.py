"""`relais`: one command line for running, migrating and operating Relais."""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from bot.cli import common as cli_common
from bot.cli.entry import resume_collector
from bot.cli.lazy import LazyGroups

logger = logging.getLogger("relais")
# report, campaign, broadcast, quiz and admin are imported when named (bot/cli/lazy.py):
# `relais serve` does not load the campaign files' readers, rich or the report's code.
app = typer.Typer(
    help="Relais: a chat bot for civic mobilisation relays, in French and Bambara.",
    no_args_is_help=True,
    add_completion=False,
    cls=LazyGroups,
)
db_app = typer.Typer(help="Database schema (Alembic).", no_args_is_help=True)
app.add_typer(db_app, name="db")

Host = Annotated[str, typer.Option(help="Address to listen on.")]
Port = Annotated[int, typer.Option(help="Port to listen on.")]


def _serve(host: str, port: int, *, background: bool) -> None:
    from bot.web.app import create_app

    settings = cli_common.settings()
    cli_common.configure_logging()
    application = create_app(settings, background=background)
    cli_common.check_schema(application.state.services.engine)
    if background and not (settings.telegram_enabled or settings.twilio_enabled):
        # No platform: a rehearsal in the simulator. With no campaign loaded yet, the
        # sample campaigns start today so there is something to receive.
        from bot.domain.samples import load_samples_if_empty

        today = datetime.now(settings.zone).date()
        for slug in load_samples_if_empty(application.state.services.factory, today):
            logger.info("no campaign loaded: sample %s starts today for the simulator", slug)
    resume_collector()  # the app is built: what it loaded lives as long as the process
    config = uvicorn.Config(
        application, host=host, port=port, access_log=False, log_config=None, lifespan="on"
    )
    logger.info(
        "Relais %s on http://%s:%d (simulator: /simulator)",
        "serving" if background else "web app",
        host,
        port,
    )
    uvicorn.Server(config).run()


@app.command()
def serve(host: Host = "127.0.0.1", port: Port = 8000) -> None:
    """Run everything in one process: web app, clock and delivery worker."""
    _serve(host, port, background=True)


@app.command()
def web(host: Host = "127.0.0.1", port: Port = 8000) -> None:
    """Run the web app alone (webhooks, simulator); pair it with `relais worker`."""
    _serve(host, port, background=False)


@app.command()
def worker() -> None:
    """Run the clock and a delivery worker alone, without the web app."""
    from bot.channels.registry import build_channels
    from bot.db import make_engine, make_session_factory
    from bot.domain.media_library import MediaLibrary
    from scheduler.background import Background

    settings = cli_common.settings()
    cli_common.configure_logging()
    engine = make_engine(settings.database_url)
    cli_common.check_schema(engine)
    resume_collector()

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        factory = make_session_factory(engine)
        channels = build_channels(settings, MediaLibrary(factory, Path(settings.uploads_dir)))
        background = Background(settings=settings, factory=factory, channels=channels)
        await background.run_until(stop)

    asyncio.run(run())
    engine.dispose()


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Bring the database schema up to date (creates the SQLite file if needed)."""
    from bot.migrations import upgrade

    settings = cli_common.settings()
    cli_common.configure_logging()
    logging.getLogger("alembic").setLevel(logging.INFO)
    upgrade(settings.database_url, revision)
    typer.echo(f"Database at {revision}.")


@db_app.command("current")
def db_current() -> None:
    """Show the database's schema revision and the code's."""
    from bot.db import make_engine
    from bot.migrations import current_revision, head_revision

    engine = make_engine(cli_common.settings().database_url)
    typer.echo(f"database: {current_revision(engine) or 'empty'}; code: {head_revision()}")
    engine.dispose()


def main() -> None:
    app()
