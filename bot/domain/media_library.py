"""Campaign media: find a file from its reference, and remember what a platform calls it.

A reference is "<campaign slug>/<path in the campaign folder>", as posts carry it. Only
files a post or a contest question of that campaign names are ever served or sent, and
never from outside the campaign's folder. A reference "_uploads/<name>" is a voice note an
organiser uploaded (bot/domain/uploads.py), found in the uploads folder.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import insert_ignore, unit_of_work
from bot.domain.uploads import is_upload, uploaded_file
from bot.models import CampaignRow, Contest, MediaFile, PostRow, Question


class MediaNotFound(LookupError):
    """No such campaign file, or one neither a post nor a question names."""


def referenced_paths(*, session: Session, campaign: CampaignRow) -> set[str]:
    paths: set[str] = set()
    for content in session.scalars(
        select(PostRow.content).where(PostRow.campaign_id == campaign.id)
    ):
        paths.update(path for path in (content.get("media") or {}).values() if path)
    prefix = f"{campaign.slug}/"  # questions hold whole references (posts.media_reference)
    for media in session.scalars(
        select(Question.media).join(Contest).where(Contest.campaign_id == campaign.id)
    ):
        references = (item.get("path") or "" for item in (media or {}).values())
        paths.update(ref.removeprefix(prefix) for ref in references if ref.startswith(prefix))
    return paths


def campaign_file(*, session: Session, reference: str) -> Path:
    """The file behind a reference, checked: a known campaign, named by one of its posts or
    contest questions, inside its folder (no "..", no link leading out), and present."""
    slug, _, relative = reference.partition("/")
    campaign = session.scalars(select(CampaignRow).where(CampaignRow.slug == slug)).first()
    if campaign is None or relative not in referenced_paths(session=session, campaign=campaign):
        raise MediaNotFound(reference)
    folder = Path(campaign.folder).resolve()
    path = (folder / relative).resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        raise MediaNotFound(reference)
    return path


def media_file(*, session: Session, reference: str, uploads: Path | None) -> Path:
    """The file behind any media reference: an organiser's upload, or a campaign file."""
    if is_upload(reference):
        found = uploaded_file(folder=uploads, reference=reference)
        if found is None:
            raise MediaNotFound(reference)
        return found
    return campaign_file(session=session, reference=reference)


def digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            sha.update(block)
    return sha.hexdigest()


class MediaLibrary:
    """What senders need about media, each answer one short unit of work."""

    def __init__(self, factory: sessionmaker[Session], uploads: Path | None = None) -> None:
        self._factory = factory
        self._uploads = uploads
        self._lock = threading.Lock()
        self._digests: dict[tuple[Path, float, int], str] = {}

    def resolve(self, reference: str) -> Path:
        with self._factory() as session:
            return media_file(session=session, reference=reference, uploads=self._uploads)

    def digest(self, path: Path) -> str:
        key = self._key(path)
        with self._lock:
            if key not in self._digests:
                self._digests[key] = digest(path)
            return self._digests[key]

    def known_digest(self, path: Path) -> str | None:
        """The digest already computed for this file as it is now, if any (one stat)."""
        key = self._key(path)
        with self._lock:
            return self._digests.get(key)

    @staticmethod
    def _key(path: Path) -> tuple[Path, float, int]:
        stat = path.stat()
        return (path, stat.st_mtime, stat.st_size)

    def file_id(self, channel: str, sha256: str) -> str | None:
        with self._factory() as session:
            return session.scalar(
                select(MediaFile.file_id).where(
                    MediaFile.channel == channel, MediaFile.sha256 == sha256
                )
            )

    def remember(self, channel: str, sha256: str, file_id: str) -> None:
        with unit_of_work(self._factory) as session:
            insert_ignore(
                session,
                MediaFile.__table__,  # type: ignore[arg-type]
                {"channel": channel, "sha256": sha256, "file_id": file_id},
                unique=["channel", "sha256"],
            )
