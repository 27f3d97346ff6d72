"""Read a request body without letting an oversized one into memory."""

from __future__ import annotations

from fastapi import HTTPException, Request, status

MAX_BODY = 1024 * 1024  # 1 MiB: far above any real update, far below harm


async def read_limited(request: Request, limit: int = MAX_BODY) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "body over 1 MiB")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "body over 1 MiB")
        chunks.append(chunk)
    return b"".join(chunks)
