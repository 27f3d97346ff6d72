"""`relais broadcast`: send a call to action from the command line, follow it, cancel it."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bot.cli import common as cli_common
from bot.cli.campaign import Lang
from bot.cli.status_names import BROADCAST_STATE_NAMES, delivery_status
from bot.db import unit_of_work
from bot.domain import broadcasts, quiet_hours, uploads
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
    bm_voice: Annotated[
        Path | None,
        typer.Option(
            "--bm-voice", exists=True, dir_okay=False, help="A Bambara voice note (a file)."
        ),
    ] = None,
    single_language: Annotated[
        bool,
        typer.Option("--single-language", help="Send one language's text to everyone, on purpose."),
    ] = False,
    at: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d %H:%M"], help="Send then, local time (default: now)."),
    ] = None,
    urgent: Annotated[
        bool, typer.Option("--urgent", help="Send even in quiet hours (otherwise it waits).")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Send without asking to confirm.")] = False,
    language: Lang = Language.FR,
) -> None:
    """Show who will receive it, then send it (now or at --at) once confirmed."""
    current = cli_common.settings()
    try:
        chosen = Audience.parse(audience)
    except AudienceError as exc:
        typer.echo(f"--audience: {exc.message.render(language)}", err=True)
        raise typer.Exit(2) from exc
    if not (fr.strip() or bm.strip() or bm_voice):
        typer.echo(_("Give the text with --fr and --bm (at least one).").render(language), err=True)
        raise typer.Exit(2)
    now = datetime.now(UTC)
    send_at = at.replace(tzinfo=current.zone).astimezone(UTC) if at else now
    console = Console()
    with cli_common.database(current) as factory:
        with factory() as session:
            try:
                broadcasts.check(session=session, audience=chosen)
            except AudienceError as exc:
                typer.echo(f"--audience: {exc.message.render(language)}", err=True)
                raise typer.Exit(2) from exc
            fr, bm = _both_languages(fr, bm, bm_voice, single_language, yes, language)
            counts = broadcasts.count_recipients(
                session=session, audience=chosen, zone=current.zone
            )
            held = None if urgent else quiet_hours.held_until(session=session, now=send_at)
            media = _voice(Path(current.uploads_dir), bm_voice, language)
        _preview(console, counts, fr, bm, bm_voice, language)
        when = at.strftime("%Y-%m-%d %H:%M") if at else _("now").render(language)
        total = sum(counts.values())
        console.print(_("{count} relays, sent {when}.", count=total, when=when).render(language))
        _say_quiet_hours(console, urgent, held, current.zone, language)
        if total == 0:
            # Even with --yes: an audience of nobody is most likely a mistake.
            nobody = _("Nobody is in this audience: create it anyway?")
            if not cli_common.confirm(nobody, language):
                console.print(_("Nothing was sent.").render(language))
                raise typer.Exit(1)
        elif not yes and not cli_common.confirm(_("Send it?"), language):
            console.print(_("Nothing was sent.").render(language))
            raise typer.Exit(1)
        with unit_of_work(factory) as session:
            broadcast = broadcasts.create(
                session=session,
                audience=chosen,
                texts={"fr": fr, "bm": bm},
                media=media,
                created_by="cli",
                now=now,
                send_at=send_at,
                urgent=urgent,
            )
            if send_at <= now:
                broadcasts.start(session=session, broadcast=broadcast, now=now, zone=current.zone)
            number = broadcast.id
    follow = _(
        "Broadcast {number} created. Follow it: relais broadcast status {number} --follow",
        number=number,
    )
    console.print(follow.render(language), markup=False)


def _both_languages(
    fr: str, bm: str, bm_voice: Path | None, single: bool, yes: bool, language: Language
) -> tuple[str, str]:
    """Each language's readers get their own text, unless --single-language says otherwise:
    a missing one is asked for (or refused with --yes, which asks nothing)."""
    missing = [
        code for code, given in (("fr", fr.strip()), ("bm", bm.strip() or bm_voice)) if not given
    ]
    if not missing or single:
        return fr, bm
    code = missing[0]
    name = _("French") if code == "fr" else _("Bambara")
    if yes:
        refused = _(
            "No {language} text: give it (--fr, or --bm / --bm-voice), or say "
            "--single-language to send the other text to everyone.",
            language=name,
        )
        typer.echo(refused.render(language), err=True)
        raise typer.Exit(2)
    asked = _(
        "No {language} text: its readers would get the other one. Type it, or leave "
        "it empty to send the other text to everyone",
        language=name,
    )
    text = str(typer.prompt(asked.render(language), default="", show_default=False))
    return (text, bm) if code == "fr" else (fr, text)


def _voice(folder: Path, path: Path | None, language: Language) -> dict[str, Any] | None:
    """The Bambara voice note, kept with the dashboard's uploads (RELAIS_UPLOADS_DIR), where
    every channel sends it from."""
    if path is None:
        return None
    try:
        return {"bm": uploads.store_voice(folder=folder, data=path.read_bytes())}
    except OSError as exc:
        said = _("--bm-voice: cannot read {path}.", path=str(path))
        typer.echo(said.render(language), err=True)
        raise typer.Exit(2) from exc
    except uploads.UploadRefused as exc:
        typer.echo(f"--bm-voice: {uploads.REFUSALS[exc.reason].render(language)}", err=True)
        raise typer.Exit(2) from exc


def _preview(
    console: Console,
    counts: dict[str, int],
    fr: str,
    bm: str,
    bm_voice: Path | None,
    language: Language,
) -> None:
    headers = (_("language"), _("relays"), _("text"))
    table = Table(*(h.render(language) for h in headers), title=_("Preview").render(language))
    other = _("(the other language's text)").render(language)
    voice = _("(voice note {name})", name=bm_voice.name).render(language) if bm_voice else ""
    table.add_row("fr", str(counts["fr"]), escape(fr or other))
    table.add_row("bm", str(counts["bm"]), escape(" ".join(filter(None, (bm, voice))) or other))
    console.print(table)


def _say_quiet_hours(
    console: Console, urgent: bool, held: datetime | None, zone: ZoneInfo, language: Language
) -> None:
    if urgent:
        console.print(_("Urgent: sent even in quiet hours.").render(language))
    elif held is not None:
        local = held.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        said = _("Quiet hours: it waits until {time}. Send it at once with --urgent.", time=local)
        console.print(said.render(language))


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
        waiting = seen.broadcast.state is BroadcastState.SCHEDULED
        if follow and not waiting:  # a scheduled one has nothing to follow yet
            seen = _follow(read, seen, broadcast_id, console, timeout)
        named = BROADCAST_STATE_NAMES[seen.state]
        state = _("Broadcast {number}: {state}", number=broadcast_id, state=named)
        console.print(state.render(language))
        if waiting:
            with factory() as session:
                found = session.get_one(Broadcast, broadcast_id)
                now = datetime.now(UTC)
                leaves = broadcasts.held_until(session=session, broadcast=found, now=now)
            when = (leaves or found.send_at).astimezone(current.zone).strftime("%Y-%m-%d %H:%M")
            console.print(_("It leaves at {time}.", time=when).render(language))
        table = Table(_("status").render(language), _("deliveries").render(language))
        for name, count in sorted(seen.deliveries.items()):
            shown = delivery_status(name)
            table.add_row(shown if isinstance(shown, str) else shown.render(language), str(count))
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
