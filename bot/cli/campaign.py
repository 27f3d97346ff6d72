"""`relais campaign check` and `relais campaign template`: an organiser's campaign folder
checked in full before anything is loaded, and the spreadsheet to plan posts in."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console, ConsoleOptions, RenderResult
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text as RichText

from bot.cli import common as cli_common
from bot.domain.campaign_store import LoadReport
from bot.i18n import Text, _
from bot.models import Language
from content.loaders import load_campaign
from content.problems import CampaignInvalid, Problem, where_in
from content.readiness import Readiness, check_readiness
from content.spreadsheet import write_template

campaign_app = typer.Typer(
    help="Campaign folders: check one before loading it, start a posts spreadsheet.",
    no_args_is_help=True,
)

CampaignPath = Annotated[
    Path, typer.Argument(help="The campaign folder, or its campaign.yaml.", show_default=False)
]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON document instead.")]
Lang = Annotated[
    Language, typer.Option("--lang", help="The organiser's language: fr (French) or bm (Bambara).")
]
Today = Annotated[
    datetime | None,
    typer.Option(
        formats=["%Y-%m-%d"],
        help="Judge readiness as of this day (default: today in the campaign's time zone).",
    ),
]


NARROW = 100  # columns: below this, each problem is a short block instead of a table row


class ProblemsView:
    """The problems as a table in a wide terminal; in a narrow one (80 columns), each as
    "file line · field · severity" over its message, so nothing wraps letter by letter."""

    def __init__(self, problems: list[Problem], language: Language) -> None:
        self.problems, self.language = problems, language

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if options.max_width >= NARROW:
            yield self.table()
            return
        yield RichText(_("Problems").render(self.language), style="bold")
        for problem in self.problems:
            severity = _("error") if problem.is_error else _("warning")
            where = " ".join(filter(None, (problem.file, where_in(problem.where, self.language))))
            head = " · ".join(
                filter(None, (where, problem.shown_field, severity.render(self.language)))
            )
            yield RichText(head, style="red" if problem.is_error else "yellow")
            yield Padding(RichText(problem.message.render(self.language)), (0, 0, 0, 2))

    def table(self) -> Table:
        def say(text: Text) -> str:
            return text.render(self.language)

        table = Table(title=say(_("Problems")), title_justify="left")
        for column in (_("file"), _("where"), _("field"), _("message"), _("severity")):
            table.add_column(say(column), overflow="fold")
        for problem in self.problems:
            severity = say(_("error") if problem.is_error else _("warning"))
            style = "red" if problem.is_error else "yellow"
            where = where_in(problem.where, self.language)
            cells = (problem.file, where, problem.shown_field, say(problem.message), severity)
            # Escaped: "posts[j02]" is not rich markup.
            table.add_row(*(escape(cell) for cell in cells), style=style)
        return table


def problems_table(problems: list[Problem], language: Language = Language.FR) -> ProblemsView:
    return ProblemsView(problems, language)


def load_report_lines(report: LoadReport) -> list[Text]:
    """What `relais campaign load` stored, one line per kind of change, empty ones left out:
    posts, then contests, then polls."""
    posts = (
        (_("{count} new post(s): {posts}"), report.created),
        (_("{count} updated post(s): {posts}"), report.updated),
        (_("{count} unchanged post(s): {posts}"), report.unchanged),
        (_("{count} withdrawn post(s): {posts}"), report.withdrawn),
        (_("{count} post(s) already sent, kept as they were: {posts}"), report.kept_as_sent),
    )
    contests, polls = report.contests, report.polls
    others = (
        (_("{count} new contest(s): {slugs}"), contests.created),
        (_("{count} updated contest(s): {slugs}"), contests.updated),
        (_("{count} unchanged contest(s): {slugs}"), contests.unchanged),
        (_("{count} contest(s) already open, kept as they were: {slugs}"), contests.kept),
        (_("{count} draft contest(s) removed: {slugs}"), contests.removed),
        (_("{count} new poll(s): {slugs}"), polls.created),
        (_("{count} updated poll(s): {slugs}"), polls.updated),
        (_("{count} unchanged poll(s): {slugs}"), polls.unchanged),
        (_("{count} poll(s) already open, kept as they were: {slugs}"), polls.kept),
        (_("{count} poll(s) not yet open removed: {slugs}"), polls.removed),
    )
    return [
        replace(line, params={"count": len(slugs), "posts": ", ".join(slugs)})
        for line, slugs in posts
        if slugs
    ] + [
        replace(line, params={"count": len(slugs), "slugs": ", ".join(slugs)})
        for line, slugs in others
        if slugs
    ]


def _readiness_table(readiness: Readiness, language: Language) -> Table:
    title = _("Are you ready to launch your campaign?").render(language)
    table = Table(title=title, title_justify="left")
    table.add_column("", width=1)
    table.add_column(_("item").render(language), overflow="fold")
    table.add_column(_("detail").render(language), overflow="fold")
    for item in readiness.items:
        mark = "[green]✓[/green]" if item.ok else "[red]✗[/red]"
        table.add_row(mark, item.title.render(language), item.detail.render(language))
    return table


def _summary(problems: list[Problem], readiness: Readiness | None, language: Language) -> str:
    found = sum(problem.is_error for problem in problems)
    warnings = len(problems) - found
    if readiness is None:
        text = _(
            "Invalid campaign: {errors} error(s), {warnings} warning(s).",
            errors=found,
            warnings=warnings,
        )
        return f"[red]{text.render(language)}[/red]"
    if readiness.ready:
        text = _("Valid campaign, ready ({warnings} warning(s)).", warnings=warnings)
        return f"[green]{text.render(language)}[/green]"
    missing = sum(not item.ok for item in readiness.items)
    text = _("Valid campaign, not ready yet: {count} item(s) to work on.", count=missing)
    return f"[yellow]{text.render(language)}[/yellow]"


@campaign_app.command()
def check(
    path: CampaignPath, as_json: AsJson = False, today: Today = None, lang: Lang = Language.FR
) -> None:
    """Validate a campaign folder and go through the readiness checklist.

    Exit code 0 when it is valid and ready, 1 when not, 2 when PATH does not exist.
    """
    if not path.exists():
        typer.echo(_("{path}: not found", path=path).render(lang), err=True)
        raise typer.Exit(2)
    readiness: Readiness | None = None
    try:
        campaign, problems = load_campaign(path)
    except CampaignInvalid as exc:
        problems = exc.problems
    else:
        day = today.date() if today else datetime.now(ZoneInfo(campaign.timezone)).date()
        readiness = check_readiness(campaign, day)
    ready = readiness is not None and readiness.ready
    if as_json:
        document = {
            "valid": readiness is not None,
            "ready": ready,
            "problems": [problem.to_dict(lang) for problem in problems],
            "readiness": [item.to_dict(lang) for item in readiness.items] if readiness else [],
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        console = Console()
        if problems:
            console.print(problems_table(problems, lang))
        if readiness is not None:
            console.print(_readiness_table(readiness, lang))
        else:
            console.print(_("Fix the errors to see the “Are you ready?” checklist.").render(lang))
        console.print(_summary(problems, readiness, lang))
    raise typer.Exit(0 if ready else 1)


@campaign_app.command()
def template(
    out: Annotated[Path, typer.Option("--out", help="Where to write: .xlsx or .csv.")],
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
    lang: Lang = Language.FR,
) -> None:
    """Write an empty posts spreadsheet with a sample row (and a help sheet in XLSX, in the
    organiser's language)."""
    if out.suffix.lower() not in (".xlsx", ".csv"):
        typer.echo(
            _("{path}: choose a name ending in .xlsx or .csv", path=out).render(lang), err=True
        )
        raise typer.Exit(2)
    if out.exists() and not force:
        message = _("{path} already exists: nothing is overwritten without --force", path=out)
        typer.echo(message.render(lang), err=True)
        raise typer.Exit(1)
    write_template(out, lang)
    typer.echo(_("Empty calendar written to {path}: one row per post.", path=out).render(lang))


@campaign_app.command("load")
def campaign_load(
    path: CampaignPath,
    starting: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            help="Move the whole calendar so it begins that day (a rehearsal).",
        ),
    ] = None,
    language: Lang = Language.FR,
) -> None:
    """Validate a campaign folder, then store it: nothing at all if anything is wrong.

    Posts not sent yet follow the file; posts already sent never change and are never
    sent again; future posts removed from the file are withdrawn. Loading twice changes
    nothing.
    """
    from rich.console import Console

    from bot.db import make_engine, make_session_factory
    from bot.domain.campaign_loading import load_into

    settings = cli_common.settings()
    console = Console()
    engine = make_engine(settings.database_url)
    cli_common.check_schema(engine)
    try:
        report, warnings = load_into(
            make_session_factory(engine), path, starting=starting.date() if starting else None
        )
    except CampaignInvalid as exc:
        console.print(problems_table(exc.problems, language))
        refused = _("Nothing was loaded: fix the errors above.").render(language)
        console.print(refused, style="red", markup=False)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    if warnings:
        console.print(problems_table(warnings, language))
    for line in load_report_lines(report):
        console.print(line.render(language), markup=False)
    console.print(_("Campaign loaded.").render(language), style="green", markup=False)
