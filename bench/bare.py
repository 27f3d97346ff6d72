"""The baseline server: a bare FastAPI app answering 200, under the same uvicorn settings
as `relais web` (bot/cli/main.py). `python bench/bare.py PORT`"""

from __future__ import annotations

import sys

import uvicorn
from fastapi import FastAPI, Response

app = FastAPI()


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/webhooks/telegram")
@app.post("/webhooks/twilio")
async def webhook() -> Response:
    return Response(status_code=200)


if __name__ == "__main__":
    config = uvicorn.Config(
        app, host="127.0.0.1", port=int(sys.argv[1]), access_log=False, log_config=None
    )
    uvicorn.Server(config).run()
