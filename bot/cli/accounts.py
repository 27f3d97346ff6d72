"""`relais admin user`: the organisers' dashboard accounts."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from bot.cli import common as cli_common
from bot.cli.campaign import Lang
from bot.db import unit_of_work
from bot.domain import organisers
from bot.i18n import _
from bot.models import Language

user_app = typer.Typer(help="Dashboard accounts (/admin).", no_args_is_help=True)
Login = Annotated[str, typer.Argument(help="The organiser's login, e.g. awa or awa@example.org.")]


def _password(from_stdin: bool, language: Language) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(
        typer.prompt(_("Password").render(language), hide_input=True, confirmation_prompt=True)
    )


@user_app.command("add")
def add(
    login: Login,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    language: Lang = Language.FR,
) -> None:
    """Create a dashboard account; the password is asked for, never given as an argument."""
    password = _password(password_stdin, language)
    current = cli_common.settings()
    try:
        with cli_common.database(current) as factory, unit_of_work(factory) as session:
            made = organisers.add(session, login=login, password=password)
            name = made.login
    except organisers.AccountError as exc:
        reason = exc.reason.render(language)
        typer.echo(_("Refused: {reason}.", reason=reason).render(language), err=True)
        raise typer.Exit(2) from exc
    typer.echo(_("Account {login} created: log in at /admin.", login=name).render(language))


@user_app.command("list")
def listing(language: Lang = Language.FR) -> None:
    """The dashboard accounts, with their last login."""
    current = cli_common.settings()
    with cli_common.database(current) as factory, factory() as session:
        rows = organisers.listing(session)
        never = _("never").render(language)
        lines = [
            f"{row.login}\t{row.last_login_at.isoformat(timespec='minutes')}"
            if row.last_login_at
            else f"{row.login}\t{never}"
            for row in rows
        ]
    if not lines:
        typer.echo(_("No account yet: relais admin user add LOGIN").render(language))
    for line in lines:
        typer.echo(line)


@user_app.command("remove")
def remove(login: Login, language: Lang = Language.FR) -> None:
    """Remove a dashboard account; its open sessions end at once."""
    current = cli_common.settings()
    with cli_common.database(current) as factory, unit_of_work(factory) as session:
        removed = organisers.remove(session, login=login)
    if not removed:
        typer.echo(_("No account {login}.", login=login).render(language), err=True)
        raise typer.Exit(2)
    typer.echo(_("Account {login} removed.", login=login).render(language))
