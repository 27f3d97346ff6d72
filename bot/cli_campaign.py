"""`relais campaign check` and `relais campaign template`: an organiser's campaign folder
checked in full before anything is loaded, and the spreadsheet to plan posts in."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

from content.loaders import load_campaign
from content.problems import CampaignInvalid, Problem
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
Today = Annotated[
    datetime | None,
    typer.Option(
        formats=["%Y-%m-%d"],
        help="Judge readiness as of this day (default: today in the campaign's time zone).",
    ),
]


def problems_table(problems: list[Problem]) -> Table:
    table = Table(title="Problèmes", title_justify="left")
    for column in ("fichier", "où", "champ", "message", "gravité"):
        table.add_column(column, overflow="fold")
    for problem in problems:
        severity = "erreur" if problem.is_error else "avertissement"
        style = "red" if problem.is_error else "yellow"
        row = (problem.file, problem.where, problem.field, problem.message, severity)
        table.add_row(*row, style=style)
    return table


def _readiness_table(readiness: Readiness) -> Table:
    table = Table(title="Êtes-vous prêts à lancer votre campagne ?", title_justify="left")
    table.add_column("", width=1)
    table.add_column("point", overflow="fold")
    table.add_column("détail", overflow="fold")
    for item in readiness.items:
        mark = "[green]✓[/green]" if item.ok else "[red]✗[/red]"
        table.add_row(mark, item.title_fr, item.detail)
    return table


def _summary(problems: list[Problem], readiness: Readiness | None) -> str:
    found = sum(problem.is_error for problem in problems)
    warnings = len(problems) - found
    if readiness is None:
        return f"[red]Campagne invalide : {found} erreur(s), {warnings} avertissement(s).[/red]"
    if readiness.ready:
        return f"[green]Campagne valide et prête[/green] ({warnings} avertissement(s))."
    missing = sum(not item.ok for item in readiness.items)
    return f"[yellow]Campagne valide, pas encore prête : {missing} point(s) à reprendre.[/yellow]"


@campaign_app.command()
def check(path: CampaignPath, as_json: AsJson = False, today: Today = None) -> None:
    """Validate a campaign folder and go through the readiness checklist.

    Exit code 0 when it is valid and ready, 1 when not, 2 when PATH does not exist.
    """
    if not path.exists():
        typer.echo(f"{path} : introuvable", err=True)
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
            "problems": [problem.to_dict() for problem in problems],
            "readiness": [asdict(item) for item in readiness.items] if readiness else [],
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        console = Console()
        if problems:
            console.print(problems_table(problems))
        if readiness is not None:
            console.print(_readiness_table(readiness))
        else:
            console.print("Corrigez les erreurs pour voir la liste « Êtes-vous prêts ? ».")
        console.print(_summary(problems, readiness))
    raise typer.Exit(0 if ready else 1)


@campaign_app.command()
def template(
    out: Annotated[Path, typer.Option("--out", help="Where to write: .xlsx or .csv.")],
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write an empty posts spreadsheet with a sample row (and an "aide" sheet in XLSX)."""
    if out.suffix.lower() not in (".xlsx", ".csv"):
        typer.echo(f"{out} : choisissez un nom en .xlsx ou .csv", err=True)
        raise typer.Exit(2)
    if out.exists() and not force:
        typer.echo(f"{out} existe déjà : rien n'est écrasé sans --force", err=True)
        raise typer.Exit(1)
    write_template(out)
    typer.echo(f"Calendrier vierge écrit dans {out} : une ligne par publication.")
