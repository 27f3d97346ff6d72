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

from bot.cli import common as cli_common
from bot.cli.campaign import Lang
from bot.db import unit_of_work
from bot.domain import broadcasts
from bot.domain.broadcasts import Audience, AudienceError
from bot.i18n import _
from bot.models import Broadcast, BroadcastState, Language

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
    language: Lang = Language.FR,
) -> None:
    """Show who will receive it, then send it (now or at --at) once confirmed."""
    current = cli_common.settings()
    try:
        chosen = Audience.parse(audience)
    except AudienceError as exc:
        typer.echo(f"--audience: {exc}", err=True)
        raise typer.Exit(2) from exc
    if not (fr.strip() or bm.strip()):
        typer.echo(_("Give the text with --fr and --bm (at least one).").render(language), err=True)
        raise typer.Exit(2)
    now = datetime.now(UTC)
    send_at = at.replace(tzinfo=current.zone).astimezone(UTC) if at else now
    console = Console()
    with cli_common.database(current) as factory:
        with factory() as session:
            counts = broadcasts.count_recipients(
                session=session, audience=chosen, zone=current.zone
            )
        headers = (_("language"), _("relays"), _("text"))
        table = Table(*(h.render(language) for h in headers), title=_("Preview").render(language))
        other = _("(the other language's text)").render(language)
        for code, text in (("fr", fr), ("bm", bm)):
            table.add_row(code, str(counts[code]), text or other)
        console.print(table)
        when = at.strftime("%Y-%m-%d %H:%M") if at else _("now").render(language)
        total = sum(counts.values())
        console.print(_("{count} relays, sent {when}.", count=total, when=when).render(language))
        if not yes and not typer.confirm(_("Send it?").render(language)):
            console.print(_("Nothing was sent.").render(language))
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
    follow = _(
        "Broadcast {number} created. Follow it: relais broadcast status {number} --follow",
        number=number,
    )
    console.print(follow.render(language), markup=False)


@broadcast_app.command("status")
def status(
    broadcast_id: BroadcastId,
    follow: Annotated[bool, typer.Option(help="A live progress bar until all is sent.")] = False,
    timeout: Annotated[
        int, typer.Option(min=1, help="Stop following after so many seconds.")
    ] = 3600,
    language: Lang = Language.FR,
) -> None:
    """Where a broadcast is: its state, and its deliveries per status."""
    current = cli_common.settings()
    console = Console()
    with cli_common.database(current) as factory:

        def read() -> broadcasts.Status:
            with factory() as session:
                found = session.get(Broadcast, broadcast_id)
                if found is None:
                    missing = _("No broadcast {number}.", number=broadcast_id)
                    typer.echo(missing.render(language), err=True)
                    raise typer.Exit(2)
                return broadcasts.status(session=session, broadcast=found, zone=current.zone)

        seen = read()
        if follow:
            seen = _follow(read, seen, broadcast_id, console, timeout)
        state = _("Broadcast {number}: {state}", number=broadcast_id, state=seen.state)
        console.print(state.render(language))
        table = Table(_("status").render(language), _("deliveries").render(language))
        for name, count in sorted(seen.deliveries.items()):
            table.add_row(name, str(count))
        console.print(table)


def _finished(seen: broadcasts.Status) -> bool:
    settled = seen.state in (BroadcastState.DONE, BroadcastState.CANCELLED)
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
        task = progress.add_task(f"#{broadcast_id}", total=None)
        deadline = time.monotonic() + timeout
        while True:
            total = sum(seen.deliveries.values()) or None
            progress.update(task, total=total, completed=seen.handled)
            if _finished(seen) or time.monotonic() > deadline:
                return seen
            time.sleep(1)
            seen = read()


@broadcast_app.command("cancel")
def cancel(broadcast_id: BroadcastId, language: Lang = Language.FR) -> None:
    """Cancel it: nothing not yet handed to a platform goes out."""
    current = cli_common.settings()
    with cli_common.database(current) as factory, unit_of_work(factory) as session:
        found = session.get(Broadcast, broadcast_id)
        if found is None:
            missing = _("No broadcast {number}.", number=broadcast_id)
            typer.echo(missing.render(language), err=True)
            raise typer.Exit(2)
        withdrawn = broadcasts.cancel(session=session, broadcast=found, now=datetime.now(UTC))
    done = _(
        "Broadcast {number} cancelled: {count} deliveries withdrawn.",
        number=broadcast_id,
        count=withdrawn,
    )
    typer.echo(done.render(language))
