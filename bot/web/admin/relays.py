"""/admin/relays: how many relays by channel, language, place and status; the relays,
pseudonymised, filtered, a page at a time, and as CSV; a relay's tags and role; and,
when an organiser asks for it on that relay's page, their full address, logged."""

from __future__ import annotations

import io
from typing import Annotated, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from bot.db import unit_of_work
from bot.domain import organisers, relay_directory, relay_labels
from bot.domain.organisers import SignedIn
from bot.i18n import Text
from bot.models import Language, Relay, RelayStatus, Role
from bot.web.admin import pages
from bot.web.admin.auth import Checked, Organiser
from bot.web.ids import RowId
from bot.web.services import ServicesDep

router = APIRouter(prefix="/admin", include_in_schema=False)
Short = Annotated[str, Query(max_length=64)]
NO_STORE = {"Cache-Control": "no-store"}


E = TypeVar("E", Language, RelayStatus, Role)


def _named(kind: type[E], value: str) -> E | None:
    try:
        return kind(value)
    except ValueError:
        return None


def _filters(
    channel: Short = "",
    language: Short = "",
    place: Short = "",
    status_: Annotated[str, Query(alias="status", max_length=64)] = "",
    role: Short = "",
    tag: Short = "",
) -> relay_directory.Filters:
    """The list's filters from the query; a value that names nothing is no filter."""
    return relay_directory.Filters(
        channel=channel or None,
        language=_named(Language, language),
        place=place or None,
        status=_named(RelayStatus, status_),
        role=_named(Role, role),
        tag=tag.strip().lower() or None,
    )


# The list's filters, read from the query string, for the page and the export alike.
ListFilters = Annotated[relay_directory.Filters, Depends(_filters)]


def _query(filters: relay_directory.Filters) -> str:
    """The filters as a query string, for the pages' links and the export."""
    given = {
        "channel": filters.channel,
        "language": filters.language.value if filters.language else None,
        "place": filters.place,
        "status": filters.status.value if filters.status else None,
        "role": filters.role.value if filters.role else None,
        "tag": filters.tag,
    }
    return urlencode({key: value for key, value in given.items() if value})


@router.get("/relays", response_class=HTMLResponse)
async def relays(
    request: Request,
    organiser: Organiser,
    services: ServicesDep,
    filters: ListFilters,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    zone = services.settings.zone

    def read(session: Session) -> dict[str, object]:
        return {
            "counts": relay_directory.counts(session=session),
            "places": relay_directory.places(session=session),
            "page": relay_directory.page(session=session, filters=filters, number=page, zone=zone),
        }

    context = await services.read(read)
    context.update(
        filters=filters,
        query=_query(filters),
        min_group=services.settings.min_group,
        statuses=[item.value for item in RelayStatus],
    )
    return pages.render(request, "admin/relays.html", context, organiser=organiser)


@router.get("/relays.csv")
async def export(
    organiser: Organiser,
    services: ServicesDep,
    filters: ListFilters,
) -> Response:
    """The list's columns, every matching relay: pseudonyms, no address, no name."""
    zone = services.settings.zone

    def read(session: Session) -> str:
        out = io.StringIO()
        out.write("\ufeff")  # a BOM, so spreadsheets read UTF-8 (as the report's files)
        entries = relay_directory.every(session=session, filters=filters, zone=zone)
        relay_directory.write_csv(out, entries)
        return out.getvalue()

    body = await services.read(read)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="relais-relays.csv"', **NO_STORE},
    )


def _relay(session: Session, relay_id: int) -> Relay:
    relay = session.get(Relay, relay_id)
    if relay is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such relay")
    return relay


async def _relay_page(
    request: Request,
    services: ServicesDep,
    organiser: SignedIn,
    relay_id: int,
    *,
    reveal: bool = False,
    error: Text | None = None,
    status_code: int = 200,
) -> Response:
    """The relay's page; with `reveal`, their address too, and that look logged first."""
    zone = services.settings.zone

    def read() -> dict[str, object]:
        with unit_of_work(services.factory) as session:
            relay = _relay(session, relay_id)
            address = None
            if reveal:
                organisers.record_address_access(session, login=organiser.login, relay_id=relay.id)
                address = relay.address
            return {"entry": relay_directory.entry(relay, zone), "address": address}

    context = await run_in_threadpool(read)
    context["error"] = error.render(pages.language(request)) if error else None
    response = pages.render(
        request, "admin/relay.html", context, organiser=organiser, status_code=status_code
    )
    response.headers.update(NO_STORE)
    return response


@router.get("/relays/{relay_id}", response_class=HTMLResponse)
async def relay(
    relay_id: RowId, request: Request, organiser: Organiser, services: ServicesDep
) -> Response:
    return await _relay_page(request, services, organiser, relay_id)


@router.post("/relays/{relay_id}/address", response_class=HTMLResponse)
async def reveal_address(
    relay_id: RowId, request: Request, organiser: Checked, services: ServicesDep
) -> Response:
    """Show this relay's full address to this organiser, and log that they saw it."""
    return await _relay_page(request, services, organiser, relay_id, reveal=True)


async def _change(
    request: Request,
    services: ServicesDep,
    organiser: SignedIn,
    relay_id: RowId,
    change: str,
    value: str,
) -> Response:
    def run() -> Text | None:
        with unit_of_work(services.factory) as session:
            relay = _relay(session, relay_id)
            try:
                if change == "tag":
                    relay_labels.add_tag(relay=relay, label=value)
                elif change == "untag":
                    relay_labels.remove_tag(relay=relay, label=value)
                else:
                    relay_labels.set_role(relay=relay, role=Role(value))
            except relay_labels.TagRefused as exc:
                return exc.reason
        return None

    refused = await run_in_threadpool(run)
    if refused is not None:
        return await _relay_page(
            request, services, organiser, relay_id, error=refused, status_code=422
        )
    return RedirectResponse(f"/admin/relays/{relay_id}", status_code=303)


Label = Annotated[str, Form(max_length=64)]


@router.post("/relays/{relay_id}/tags")
async def add_tag(
    relay_id: RowId, request: Request, organiser: Checked, services: ServicesDep, tag: Label
) -> Response:
    """Tag the relay, for audiences: as `relais admin tag`."""
    return await _change(request, services, organiser, relay_id, "tag", tag)


@router.post("/relays/{relay_id}/tags/remove")
async def remove_tag(
    relay_id: RowId, request: Request, organiser: Checked, services: ServicesDep, tag: Label
) -> Response:
    """Take a tag off: as `relais admin tag --remove`."""
    return await _change(request, services, organiser, relay_id, "untag", tag)


@router.post("/relays/{relay_id}/role")
async def set_role(
    relay_id: RowId,
    request: Request,
    organiser: Checked,
    services: ServicesDep,
    role: Annotated[Role, Form()],
) -> Response:
    """Grant or revoke the organiser role: as `relais admin grant|revoke`."""
    return await _change(request, services, organiser, relay_id, "role", role.value)
