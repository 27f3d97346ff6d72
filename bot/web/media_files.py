"""GET /media/<campaign>/<path>: the campaign pictures and voice notes Twilio fetches.

Public, since Twilio fetches without credentials; only files a post names are served, and
voice notes organisers uploaded (/media/_uploads/<content digest>.<ext>).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from bot.domain.media_library import MediaNotFound, media_file
from bot.domain.uploads import content_type, is_upload
from bot.web.services import Services, ServicesDep

router = APIRouter()


def _find(services: Services, reference: str) -> Path:
    with services.factory() as session:
        uploads = Path(services.settings.uploads_dir)
        return media_file(session=session, reference=reference, uploads=uploads)


@router.get("/media/{reference:path}", include_in_schema=False)
async def media(reference: str, services: ServicesDep) -> FileResponse:
    """Serves one campaign file named by a post."""
    try:
        path = await run_in_threadpool(_find, services, reference)
    except MediaNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such campaign media") from exc
    media_type = (
        content_type(path)
        if is_upload(reference)
        else mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "max-age=3600"})
