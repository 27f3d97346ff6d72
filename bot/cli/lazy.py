"""The `relais` command groups that are imported only when a command line names them.

`relais serve` and `relais worker` start the product; they need none of the campaign
files' readers, the report's code or rich's tables, which the other groups import.
`relais --help` still lists every group (it imports them all to show their help).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

import typer.main
from typer.core import TyperGroup

if TYPE_CHECKING:
    from typer import _click as click  # typer's own copy of click, which its groups use

# name → (module, its typer app), in the order `relais --help` lists them.
LAZY_GROUPS: dict[str, tuple[str, str]] = {
    "report": ("bot.cli.report", "report_app"),
    "campaign": ("bot.cli.campaign", "campaign_app"),
    "broadcast": ("bot.cli.broadcast", "broadcast_app"),
    "quiz": ("bot.cli.quiz", "quiz_app"),
    "admin": ("bot.cli.admin", "admin_app"),
}


class LazyGroups(TyperGroup):
    """A typer group whose LAZY_GROUPS are built on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = super().list_commands(ctx)
        return names + [name for name in LAZY_GROUPS if name not in names]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in LAZY_GROUPS:
            module, attribute = LAZY_GROUPS[cmd_name]
            group = typer.main.get_group(getattr(import_module(module), attribute))
            group.name = cmd_name
            self.add_command(group, cmd_name)
            command = group
        return command
