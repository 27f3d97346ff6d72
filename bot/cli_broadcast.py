"""`relais broadcast`: send a call to action from the command line, follow it, cancel it."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bot import broadcasts, cli_common
from bot.broadcasts import Audience, AudienceError
from bot.db import unit_of_work
from bot.models import Broadcast, BroadcastState

broadcast_app = typer.Typer(help="Calls to action: create, follow, cancel.", no_args_is_help=True)
BroadcastId = Annotated[int, typer.Argument(help="The broadcast's number.")]


@broadcast_app.command("create")
def create(
    audience: Annotated[
        str,
        typer.Option(help='"all", or e.g. "language=bm place=kayes,kita role=relay tag=élu".'),
    ] = "all",
    fr: Annotated[str, typer.Option("--fr", help="The French text.")] = "",
    bm: Annotated[str, typer.Option("--bm", help="The Bambara text.")] = "",
    at: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d %H:%M"], help="Send then, local time (default: now)."),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Send without asking to confirm.")] = False,
) -> None:
    """Show who will receive it, then send it (now or at --at) once confirmed."""
    current = cli_common.settings()
    try:
        chosen = Audience.parse(audience)
    except AudienceError as exc:
        typer.echo(f"--audience: {exc}", err=True)
        raise typer.Exit(2) from exc
    if not (fr.strip() or bm.strip()):
        typer.echo("Give the text with --fr and --bm (at least one).", err=True)
        raise typer.Exit(2)
    now = datetime.now(UTC)
    send_at = at.replace(tzinfo=current.zone).astimezone(UTC) if at else now
    console = Console()
    with cli_common.database(current) as factory:
        with factory() as session:
            counts = broadcasts.count_recipients(
                session=session, audience=chosen, zone=current.zone
            )
        table = Table("language", "relays", "text", title="Preview")
        for language, text in (("fr", fr), ("bm", bm)):
            table.add_row(language, str(counts[language]), text or "(the other language's text)")
        console.print(table)
        when = at.strftime("%Y-%m-%d %H:%M") if at else "now"
        console.print(f"{sum(counts.values())} relays, sent {when}.")
        if not yes and not typer.confirm("Send it?"):
            console.print("Nothing was sent.")
            raise typer.Exit(1)
        with unit_of_work(factory) as session:
            broadcast = broadcasts.create(
                session=session,
                audience=chosen,
                texts={"fr": fr, "bm": bm},
                created_by="cli",
                now=now,
                send_at=send_at,
            )
            if send_at <= now:
                broadcasts.start(session=session, broadcast=broadcast, now=now, zone=current.zone)
            number = broadcast.id
    console.print(
        f"Broadcast {number} created. Follow it: relais broadcast status {number} --follow"
    )


@broadcast_app.command("status")
def status(
    broadcast_id: BroadcastId,
    follow: Annotated[bool, typer.Option(help="A live progress bar until it is all sent.")] = False,
    timeout: Annotated[
        int, typer.Option(min=1, help="Stop following after so many seconds.")
    ] = 3600,
) -> None:
    """Where a broadcast is: its state, and its deliveries per status."""
    current = cli_common.settings()
    console = Console()
    with cli_common.database(current) as factory:

        def read() -> broadcasts.Status:
            with factory() as session:
                found = session.get(Broadcast, broadcast_id)
                if found is None:
                    typer.echo(f"No broadcast {broadcast_id}.", err=True)
                    raise typer.Exit(2)
                return broadcasts.status(session=session, broadcast=found, zone=current.zone)

        seen = read()
        if follow:
            seen = _follow(read, seen, broadcast_id, console, timeout)
        console.print(f"Broadcast {broadcast_id}: {seen.broadcast.state.value}")
        table = Table("status", "deliveries")
        for name, count in sorted(seen.deliveries.items()):
            table.add_row(name, str(count))
        console.print(table)


def _finished(seen: broadcasts.Status) -> bool:
    settled = seen.broadcast.state in (BroadcastState.DONE, BroadcastState.CANCELLED)
    return settled and seen.handled >= sum(seen.deliveries.values())


def _follow(
    read: Callable[[], broadcasts.Status],
    seen: broadcasts.Status,
    broadcast_id: int,
    console: Console,
    timeout: int,
) -> broadcasts.Status:
    """A live bar of the deliveries that reached an end, until all have (or timeout)."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task(f"broadcast {broadcast_id}", total=None)
        deadline = time.monotonic() + timeout
        while True:
            total = sum(seen.deliveries.values()) or None
            progress.update(task, total=total, completed=seen.handled)
            if _finished(seen) or time.monotonic() > deadline:
                return seen
            time.sleep(1)
            seen = read()


@broadcast_app.command("cancel")
def cancel(broadcast_id: BroadcastId) -> None:
    """Cancel it: nothing not yet handed to a platform goes out."""
    current = cli_common.settings()
    with cli_common.database(current) as factory, unit_of_work(factory) as session:
        found = session.get(Broadcast, broadcast_id)
        if found is None:
            typer.echo(f"No broadcast {broadcast_id}.", err=True)
            raise typer.Exit(2)
        withdrawn = broadcasts.cancel(session=session, broadcast=found, now=datetime.now(UTC))
    typer.echo(f"Broadcast {broadcast_id} cancelled: {withdrawn} deliveries withdrawn.")
