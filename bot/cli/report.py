"""`relais report`: the campaign's indicators as files (`--out DIR`) or terminal tables
(community, posts, ambassadors), and how far each message got (deliveries, testimonies)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from bot.cli import common as cli_common
from bot.cli.campaign import Lang
from bot.cli.status_names import DELIVERY_STATUS_NAMES
from bot.domain.indicators.figures import Filters, Indicators
from bot.i18n import Text, _
from bot.models import Language
from bot.report import grids, names, post_grids, terminal
from bot.report.gather import ReportRefused, gather, period_of
from bot.report.grid import Grid
from bot.report.summary import summary

report_app = typer.Typer(
    help="What the campaign reached: indicators as files or tables, deliveries, testimonies.",
    no_args_is_help=True,
    invoke_without_command=True,
)

Out = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="Write the CSV files, indicators.xlsx and report.html into this folder.",
        file_okay=False,
    ),
]
Campaign = Annotated[
    str | None,
    typer.Option("--campaign", help="Only this campaign (its slug); default: every campaign."),
]
Start = Annotated[
    datetime | None,
    typer.Option(
        "--from",
        formats=["%Y-%m-%d"],
        help="First day (default: the campaign's first, or all time when several ran).",
    ),
]
End = Annotated[
    datetime | None,
    typer.Option(
        "--to",
        formats=["%Y-%m-%d"],
        help="Last day, included (default: today, or the campaign's last if it is over).",
    ),
]


@contextmanager
def _steps() -> Iterator[Progress]:
    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn())
    console = Console(stderr=True)
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as progress:
        yield progress


def _figures(
    context: typer.Context,
    campaign: str | None,
    start: datetime | None,
    end: datetime | None,
    language: Language,
) -> Indicators:
    """The figures asked for; options given to `relais report` itself count too
    (`relais report --campaign X posts`)."""
    above = context.parent.params if context.parent else {}
    campaign = campaign or above.get("campaign")
    start, end = start or above.get("start"), end or above.get("end")
    current = cli_common.settings()
    zone = current.zone
    with cli_common.database(current) as factory, factory() as session:
        try:
            period = period_of(
                session=session,
                campaign=campaign,
                start=start.date() if start else None,
                end=end.date() if end else None,
                zone=zone,
                today=datetime.now(zone).date(),
            )
        except ReportRefused as exc:
            Console(stderr=True).print(exc.message.render(language), style="red", markup=False)
            raise typer.Exit(1) from exc
        filters = Filters(campaign=campaign)
        min_group = current.min_group
        return gather(
            session=session, period=period, filters=filters, zone=zone, min_group=min_group
        )


@report_app.callback()
def report(
    context: typer.Context,
    out: Out = None,
    campaign: Campaign = None,
    start: Start = None,
    end: End = None,
    language: Lang = Language.FR,
) -> None:
    """The campaign's indicators, or one of the reports below."""
    if context.invoked_subcommand is not None:
        if out is not None:
            raise typer.BadParameter(
                "writes the files on its own: give it without a subcommand", param_hint="--out"
            )
        return
    if out is None:
        raise typer.BadParameter("the folder to write the report into", param_hint="--out")
    from bot.report.files import FILES, write_report  # openpyxl and jinja2: only when writing

    zone = cli_common.settings().zone
    with _steps() as progress:
        task = progress.add_task(_("Computing the indicators").render(language), total=FILES + 1)
        indicators = _figures(context, campaign, start, end, language)

        def done(name: str) -> None:
            progress.update(task, advance=1, description=name)

        done(_("Writing the files").render(language))
        written = write_report(
            indicators,
            out=out,
            zone=zone,
            language=language,
            generated=datetime.now(UTC),
            done=done,
        )
    console = Console()
    console.print(names.period(indicators, language), markup=False)
    for line in summary(indicators, language):
        console.print(f"- {line.render(language)}", markup=False)
    message = _("{count} files written to {path}.", count=len(written), path=out)
    console.print(message.render(language), style="green", markup=False)


def _views(name: str, help_text: str, make: Callable[[Indicators, Language], list[Grid]]) -> None:
    """Register `relais report NAME`: the tables `make` draws, in the terminal."""

    def command(
        context: typer.Context,
        campaign: Campaign = None,
        start: Start = None,
        end: End = None,
        language: Lang = Language.FR,
    ) -> None:
        found = _figures(context, campaign, start, end, language)
        console = Console()
        console.print(names.period(found, language), markup=False)
        for grid in make(found, language):
            console.print(terminal.table(grid))

    report_app.command(name, help=help_text)(command)


_views(
    "community",
    "Who can receive the posts, who joined and who left, by channel, language and place."
    "\n\nA group of fewer than 5 relays shows <5; totals are always shown.",
    lambda found, language: [grids.key_figures(found, language), *grids.community(found, language)],
)
_views(
    "posts",
    "Reach and engagement of each post, then by phase and by format.",
    post_grids.engagement,
)
_views(
    "ambassadors",
    "The top recruiters by pseudonym, with their recruits' own recruits.",
    lambda found, language: [grids.ambassadors(found, language), grids.sharers(found, language)],
)


AsJson = Annotated[bool, typer.Option("--json", help="JSON lines for machines.")]


def _print(
    found: Sequence[tuple[dict[str, Any], tuple[str, ...]]],
    *,
    as_json: bool,
    title: Text,
    headers: tuple[Text, ...],
    language: Language,
) -> None:
    """Each item as a JSON line for machines, or as a table row for people."""
    if as_json:
        for row, _cells in found:
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    table = Table(*(h.render(language) for h in headers), title=title.render(language))
    for _row, cells in found:
        table.add_row(*cells)
    Console().print(table)


@report_app.command("deliveries")
def report_deliveries(
    source: Annotated[
        str | None, typer.Option(help="Only this kind of message (post, broadcast, nudge…).")
    ] = None,
    as_json: AsJson = False,
    language: Lang = Language.FR,
) -> None:
    """How many relays each message reached, per channel and status, and why not."""
    from bot.domain.delivery_labels import labels
    from bot.domain.reports import delivery_lines

    current = cli_common.settings()
    with cli_common.database(current) as factory, factory() as session:
        lines = delivery_lines(session=session, source_kind=source)
        named = labels(
            session=session,
            sources=((line.kind, line.ref) for line in lines),
            zone=current.zone,
            language=language,
        )

    def said(value: Text | str) -> str:
        return value.render(language) if isinstance(value, Text) else value

    found = [
        (
            {
                **line.__dict__,
                "message": said(named[line.kind, line.ref]),
                "status": line.status.value,
                "reason": said(line.reason),
            },
            (
                said(named[line.kind, line.ref]),
                line.channel,
                said(DELIVERY_STATUS_NAMES.get(line.status, line.status.value)),
                str(line.relays),
                said(line.reason),
            ),
        )
        for line in lines
    ]
    headers = (_("message"), _("channel"), _("status"), _("relays"), _("why"))
    _print(found, as_json=as_json, title=_("Deliveries"), headers=headers, language=language)


@report_app.command("testimonies")
def report_testimonies(
    limit: Annotated[int, typer.Option(min=1, help="How many, newest first.")] = 50,
    as_json: AsJson = False,
    language: Lang = Language.FR,
) -> None:
    """Voice notes, pictures and videos relays sent, with their place — never who sent them."""
    from bot.domain.reports import list_testimonies

    current = cli_common.settings()
    with cli_common.database(current) as factory, factory() as session:
        items = list_testimonies(session=session, limit=limit)

    def local(moment: datetime) -> str:
        return moment.astimezone(current.zone).strftime("%Y-%m-%d %H:%M")

    found = [
        (
            {**item.__dict__, "received_at": item.received_at.isoformat()},
            (local(item.received_at), item.kind, item.place or "", item.language or "", item.url),
        )
        for item in items
    ]
    headers = (_("received"), _("kind"), _("place"), _("language"), _("where"))
    _print(found, as_json=as_json, title=_("Testimonies"), headers=headers, language=language)
