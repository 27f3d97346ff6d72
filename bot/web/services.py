"""What the web app's routes share: settings, database, conversation router."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.router import Router
from bot.settings import Settings


def _nothing() -> None:
    return None


@dataclass
class Services:
    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    router: Router
    # Tells an in-process delivery worker that replies are waiting (relais serve).
    wake_worker: Callable[[], None] = field(default=_nothing)


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]
