"""What the web app's routes share: settings, database, conversation router."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bot.conversation.router import Router
from bot.group_commit import GroupCommit
from bot.settings import Settings
from bot.web.backlog import Backlog

T = TypeVar("T")


def _nothing() -> None:
    return None


@dataclass
class Services:
    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    router: Router
    # The one writer: the webhooks' units of work committed in groups (group_commit.py).
    group: GroupCommit
    # Tells an in-process delivery worker that replies are waiting (relais serve).
    wake_worker: Callable[[], None] = field(default=_nothing)
    # The webhooks' messages, answered at once or, under a burst, after (backlog.py).
    backlog: Backlog = field(init=False)

    def __post_init__(self) -> None:
        self.backlog = Backlog(self)

    async def read(self, query: Callable[[Session], T]) -> T:
        """Answer `query` from its own session, off the event loop (a GET route's work)."""

        def run() -> T:
            with self.factory() as session:
                return query(session)

        return await run_in_threadpool(run)

    async def write(self, work: Callable[[Session], T]) -> T:
        """Run `work` in a unit of work, in order with those that queued meanwhile, which
        commit together (group_commit.py); returns once it is committed."""
        return await self.group.run(work)


async def get_services(request: Request) -> Services:
    # async: FastAPI runs a plain def dependency in the thread pool, a thread hop per
    # request that took a sixth of the event loop's time under a webhook burst.
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]
