"""`relais quiz`: contests and polls from the command line — create them from a file,
follow them, see the leaderboard, draw the winners, audit a draw, export the answers."""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.cli import common as cli_common
from bot.cli.campaign import Lang, problems_table
from bot.cli.status_names import CONTEST_STATE_NAMES
from bot.db import unit_of_work
from bot.domain.contests import draw_records, tick
from bot.domain.contests.export import write_csv
from bot.domain.contests.pseudonyms import pseudonym
from bot.domain.contests.questions import localized
from bot.domain.contests.seeded_draw import list_digest
from bot.domain.contests.standings import leaderboard, participant_count
from bot.domain.contests.store import SlugTaken, StoreRefused, create_poll, create_quiz
from bot.domain.polls import results
from bot.i18n import Text, _
from bot.models import (
    CampaignRow,
    Contest,
    Language,
    Poll,
    Relay,
    Vote,
)
from bot.settings import Settings
from content.problems import CampaignInvalid, Problem
from content.quizzes import load_quiz_file

quiz_app = typer.Typer(
    help="Contests and polls: create, follow, leaderboard, draw, audit, export.",
    no_args_is_help=True,
)
ContestSlug = Annotated[str, typer.Argument(help="The contest's id (its slug).")]


def _contest(session: Session, slug: str, language: Language) -> Contest:
    found = session.scalars(select(Contest).where(Contest.slug == slug)).first()
    if found is None:
        typer.echo(_("No contest “{slug}”.", slug=slug).render(language), err=True)
        raise typer.Exit(2)
    return found


def print_problems(problems: list[Problem], language: Language) -> None:
    if problems:
        Console(stderr=True).print(problems_table(problems, language))


def _local(moment: datetime, current: Settings) -> str:
    return moment.astimezone(current.zone).strftime("%Y-%m-%d %H:%M")


@quiz_app.command("create")
def create(
    path: Annotated[Path, typer.Argument(help="A YAML file with contests: and/or polls:.")],
    campaign: Annotated[
        str | None, typer.Option(help="Attach them to this loaded campaign (its slug).")
    ] = None,
    language: Lang = Language.FR,
) -> None:
    """Create (or, before they open, update) the contests and polls of a file."""
    current = cli_common.settings()
    try:
        quizzes, polls, warnings = load_quiz_file(path)
    except CampaignInvalid as exc:
        print_problems(exc.problems, language)
        raise typer.Exit(1) from exc
    print_problems(warnings, language)
    now = datetime.now(UTC)
    with cli_common.database(current) as factory, unit_of_work(factory) as session:
        row = None
        if campaign is not None:
            row = session.scalars(select(CampaignRow).where(CampaignRow.slug == campaign)).first()
            if row is None:
                typer.echo(_("No campaign “{slug}”.", slug=campaign).render(language), err=True)
                raise typer.Exit(2)
        try:
            for quiz in quizzes:
                create_quiz(
                    session=session, quiz=quiz, zone=current.zone, now=now, campaign_row=row
                )
                typer.echo(_("Contest {slug} ready.", slug=quiz.id).render(language))
            for poll in polls:
                create_poll(
                    session=session, poll=poll, zone=current.zone, now=now, campaign_row=row
                )
                typer.echo(_("Poll {slug} ready.", slug=poll.id).render(language))
        except (StoreRefused, SlugTaken) as exc:
            typer.echo(exc.message.render(language), err=True)
            raise typer.Exit(1) from exc
        # What is already due goes out now rather than at the clock's next tick.
        tick.tick(session=session, now=now, zone=current.zone)


@quiz_app.command("list")
def list_(language: Lang = Language.FR) -> None:
    """Every contest and poll: state, dates, participants."""
    current = cli_common.settings()
    console = Console()
    with cli_common.database(current) as factory, factory() as session:
        rows = [
            (
                contest.slug,
                localized(contest.title, language.value),
                CONTEST_STATE_NAMES[contest.state].render(language),
                _local(contest.opens_at, current),
                _local(contest.closes_at, current),
                str(participant_count(session, contest)),
            )
            for contest in session.scalars(select(Contest).order_by(Contest.opens_at))
        ]
        headers = (_("contest"), _("title"), _("state"), _("opens"), _("closes"), _("participants"))
        _listing(console, headers, rows, language)
        rows = []
        for poll in session.scalars(select(Poll).order_by(Poll.opens_at)):
            votes = session.scalar(select(func.count()).where(Vote.poll_id == poll.id)) or 0
            found = results(session=session, poll=poll)
            shown = (
                " · ".join(
                    f"{localized(choice, language.value)} {found.percent(index)}%"
                    for index, choice in enumerate(poll.choices)
                )
                if found
                else _("below the threshold of {threshold}", threshold=poll.threshold).render(
                    language
                )
            )
            rows.append(
                (
                    poll.slug,
                    localized(poll.question, language.value),
                    _local(poll.opens_at, current),
                    _local(poll.closes_at, current),
                    str(votes),
                    shown,
                )
            )
        headers = (_("poll"), _("question"), _("opens"), _("closes"), _("answers"), _("results"))
        _listing(console, headers, rows, language)


NARROW = 100  # columns: below this, one block per item instead of a wide table


def _listing(
    console: Console, headers: tuple[Text, ...], rows: Sequence[tuple[str, ...]], language: Language
) -> None:
    """Print rows whose first column is the id other commands need: never cut. A wide
    terminal gets a table; a narrow one, each item's id on its own line, then its fields."""
    names = [header.render(language) for header in headers]
    if console.width >= NARROW:
        table = Table()
        widest = max((len(row[0]) for row in rows), default=0)
        table.add_column(names[0], no_wrap=True, min_width=max(widest, len(names[0])))
        for name in names[1:]:
            table.add_column(name, overflow="fold")
        for row in rows:
            table.add_row(*(escape(cell) for cell in row))
        console.print(table)
        return
    console.print(names[0].upper(), style="bold")
    for row in rows:
        console.print(escape(row[0]), style="bold", overflow="ignore", crop=False, soft_wrap=True)
        fields = Table.grid(padding=(0, 1), pad_edge=True)
        fields.add_column(style="dim", no_wrap=True)
        fields.add_column()
        for name, value in zip(names[1:], row[1:], strict=True):
            fields.add_row(f" {escape(name)}", escape(value))
        console.print(fields)


@quiz_app.command("leaderboard")
def show_leaderboard(
    slug: ContestSlug,
    top: Annotated[int, typer.Option(min=1, help="How many to show.")] = 10,
    language: Lang = Language.FR,
) -> None:
    """The public leaderboard: pseudonyms only, never a name or a number."""
    current = cli_common.settings()
    with cli_common.database(current) as factory, factory() as session:
        contest = _contest(session, slug, language)
        headers = (_("rank"), _("participant"), _("points"), _("right answers"))
        table = Table(*(header.render(language) for header in headers))
        for standing in leaderboard(session, contest, top).standings:
            table.add_row(
                str(standing.rank), standing.pseudonym, str(standing.points), str(standing.correct)
            )
        Console().print(table)
        count = participant_count(session, contest)
        typer.echo(_("{count} participants.", count=count).render(language))


@quiz_app.command("draw")
def draw(
    slug: ContestSlug,
    winners: Annotated[int, typer.Option(min=1, help="How many winners to draw.")],
    seed: Annotated[
        str | None, typer.Option(help="The seed (default: a random one, recorded).")
    ] = None,
    redraw: Annotated[
        bool, typer.Option("--redraw", help="Draw again a contest drawn before.")
    ] = False,
    by: Annotated[str | None, typer.Option(help="Who runs the draw (default: you).")] = None,
    language: Lang = Language.FR,
) -> None:
    """Freeze the eligible list, draw the winners, record it all, tell the winners."""
    current = cli_common.settings()
    now = datetime.now(UTC)
    with cli_common.database(current) as factory, unit_of_work(factory) as session:
        contest = _contest(session, slug, language)
        try:
            row = draw_records.run(
                session=session,
                contest=contest,
                winners=winners,
                seed=seed,
                redraw=redraw,
                drawn_by=by or f"cli:{getpass.getuser()}",
                now=now,
            )
        except draw_records.StillOpen as exc:
            message = _(
                "“{slug}” is still open until {closes}: draw once it has closed.",
                slug=slug,
                closes=_local(exc.closes_at, current),
            )
            typer.echo(message.render(language), err=True)
            raise typer.Exit(1) from exc
        except draw_records.AlreadyDrawn as exc:
            message = _(
                "“{slug}” was drawn on {when}. To draw again, add --redraw (it is recorded too).",
                slug=slug,
                when=_local(exc.previous.drawn_at, current),
            )
            typer.echo(message.render(language), err=True)
            raise typer.Exit(1) from exc
        names = _winner_names(session, row.winners)
        summary = _(
            "Draw {number} of “{slug}”: {count} eligible, seed {seed}, list SHA-256 {sha}.",
            number=row.id,
            slug=slug,
            count=len(row.eligible),
            seed=row.seed,
            sha=row.eligible_sha256,
        )
    typer.echo(summary.render(language))
    for rank, name in enumerate(names, start=1):
        typer.echo(f"{rank}. {name}")
    if not names:
        typer.echo(_("Nobody is eligible: no winner.").render(language))
    typer.echo(
        _(
            "Winners are told in their language. Check it: relais quiz audit {slug}", slug=slug
        ).render(language)
    )


def _winner_names(session: Session, winners: list[str]) -> list[str]:
    names = []
    for relay_id in winners:
        relay = session.get(Relay, int(relay_id))
        names.append(f"{relay_id} ({pseudonym(relay)})" if relay else relay_id)
    return names


@quiz_app.command("audit")
def audit(slug: ContestSlug, language: Lang = Language.FR) -> None:
    """Everything needed to check the draws: seed, frozen list, its SHA-256, winners."""
    current = cli_common.settings()
    with cli_common.database(current) as factory, factory() as session:
        contest = _contest(session, slug, language)
        rows = draw_records.draws_of(session, contest)
        if not rows:
            typer.echo(_("“{slug}” has not been drawn.", slug=slug).render(language))
            raise typer.Exit(1)
        typer.echo(
            _(
                "How to check: the list is the participants' numbers, sorted as text, one per "
                "line, joined with newlines; its SHA-256 is recorded. Winner k (from 0) is "
                "taken from those not yet taken, at position int(sha256(“seed:list_sha256:k”), "
                "16) modulo how many remain."
            ).render(language)
        )
        failed = False
        for row in rows:
            recomputed = list_digest(tuple(row.eligible))
            verified = draw_records.verify(row) and recomputed == row.eligible_sha256
            failed = failed or not verified
            lines = [
                _("Draw {number}", number=row.id),
                _("drawn on {when} by {who}", when=_local(row.drawn_at, current), who=row.drawn_by),
                _("redraw: {answer}", answer=_("yes") if row.redraw else _("no")),
                _("rule: {rule}", rule=row.rule.value),
                _("seed: {seed}", seed=row.seed),
                _("eligible ({count}): {ids}", count=len(row.eligible), ids=" ".join(row.eligible)),
                _("list SHA-256 recorded: {sha}", sha=row.eligible_sha256),
                _("list SHA-256 recomputed: {sha}", sha=recomputed),
                _("winners in order: {ids}", ids=" ".join(row.winners)),
                _("verified: {answer}", answer=_("yes") if verified else _("NO")),
            ]
            typer.echo("\n".join(line.render(language) for line in lines) + "\n")
    if failed:
        raise typer.Exit(1)


@quiz_app.command("export")
def export(
    slug: ContestSlug,
    out: Annotated[Path, typer.Option(help="The CSV file to write.")],
    with_addresses: Annotated[
        bool,
        typer.Option(
            "--with-addresses",
            help="Add phone numbers and names, to hand over prizes (personal data).",
        ),
    ] = False,
    language: Lang = Language.FR,
) -> None:
    """Every answer as CSV, pseudonymised unless --with-addresses."""
    current = cli_common.settings()
    with cli_common.database(current) as factory, factory() as session:
        contest = _contest(session, slug, language)
        with out.open("w", newline="", encoding="utf-8") as handle:
            count = write_csv(handle, session, contest, current.zone, addresses=with_addresses)
    typer.echo(_("{count} answers written to {path}.", count=count, path=str(out)).render(language))
