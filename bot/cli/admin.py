"""`relais admin`: who organises, and the tags audiences select on."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import select

from bot.addresses import Address, AddressError
from bot.cli import common as cli_common
from bot.cli.accounts import user_app
from bot.cli.campaign import Lang
from bot.db import unit_of_work
from bot.domain import relay_labels
from bot.i18n import _
from bot.models import Language, Relay, Role

admin_app = typer.Typer(
    help="Organisers, their dashboard accounts, and relay tags.", no_args_is_help=True
)
admin_app.add_typer(user_app, name="user")
RelayAddress = Annotated[
    str, typer.Argument(help="The relay's address: telegram:123, whatsapp:+223…, console:…")
]


def _with_relay(address: str, change: str, language: Language) -> None:
    try:
        Address.parse(address)
    except AddressError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    current = cli_common.settings()
    with cli_common.database(current) as factory, unit_of_work(factory) as session:
        relay = session.scalars(select(Relay).where(Relay.address == address)).first()
        if relay is None:
            missing = _("No relay at {address}: they must join first (/start).", address=address)
            typer.echo(missing.render(language), err=True)
            raise typer.Exit(2)
        kind, _sep, value = change.partition(":")
        try:
            if kind == "role":
                relay_labels.set_role(relay=relay, role=Role(value))
            elif kind == "tag":
                relay_labels.add_tag(relay=relay, label=value)
            else:
                relay_labels.remove_tag(relay=relay, label=value)
        except relay_labels.TagRefused as exc:
            typer.echo(exc.reason.render(language), err=True)
            raise typer.Exit(2) from exc
    typer.echo(_("{address}: done.", address=address).render(language))


@admin_app.command("grant")
def grant(address: RelayAddress, language: Lang = Language.FR) -> None:
    """Make a relay an organiser: they can then broadcast from the chat (/diffuser)."""
    _with_relay(address, "role:organiser", language)


@admin_app.command("revoke")
def revoke(address: RelayAddress, language: Lang = Language.FR) -> None:
    """Make an organiser a plain relay again."""
    _with_relay(address, "role:relay", language)


@admin_app.command("tag")
def tag(
    address: RelayAddress,
    label: Annotated[str, typer.Argument(help="e.g. ambassadeur, élu, association.")],
    remove: Annotated[bool, typer.Option(help="Take the tag off instead.")] = False,
    language: Lang = Language.FR,
) -> None:
    """Tag a relay, so broadcasts can reach a group (audience tag=…)."""
    _with_relay(address, f"{'untag' if remove else 'tag'}:{label}", language)
