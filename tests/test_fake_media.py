"""The fakes hand out media as the real APIs do: Telegram's getFile then /file/bot<token>/,
Twilio's MediaUrl with basic auth answering a redirect to an address with no auth."""

from __future__ import annotations

import httpx

from tests.fakes.telegram import FakeTelegram
from tests.fakes.twilio import FakeTwilio


def test_telegram_get_file_then_download(telegram: FakeTelegram) -> None:
    voice = telegram.user_file("voice", b"OggS-voice", "audio/ogg")
    base = f"{telegram.api_url}/bot{telegram.token}"
    found = httpx.get(f"{base}/getFile", params={"file_id": voice["file_id"]}).json()
    assert found["ok"] is True
    path = found["result"]["file_path"]
    assert path.startswith("voice/")
    assert path.endswith(".oga")
    assert found["result"]["file_size"] == len(b"OggS-voice")
    download = httpx.get(f"{telegram.api_url}/file/bot{telegram.token}/{path}")
    assert download.status_code == 200
    assert download.content == b"OggS-voice"
    wrong_token = httpx.get(f"{telegram.api_url}/file/bot1:wrong/{path}")
    assert wrong_token.status_code == 401
    unknown = httpx.get(f"{base}/getFile", params={"file_id": "nope"})
    assert (unknown.status_code, unknown.json()["description"]) == (
        400,
        "Bad Request: invalid file_id",
    )
    assert httpx.get(f"{telegram.api_url}/file/bot{telegram.token}/voice/x.oga").status_code == 404


def test_twilio_media_needs_the_accounts_auth_then_redirects(twilio: FakeTwilio) -> None:
    url = twilio.add_media(b"\xff\xd8jpeg", "image/jpeg")
    assert "/Media/ME" in url
    assert httpx.get(url).status_code == 401
    auth = (twilio.account_sid, twilio.auth_token)
    redirect = httpx.get(url, auth=auth)
    assert redirect.status_code == 307
    assert "/media-content/" in redirect.headers["location"]
    fetched = httpx.get(url, auth=auth, follow_redirects=True)
    assert fetched.status_code == 200
    assert fetched.content == b"\xff\xd8jpeg"
    assert fetched.headers["content-type"] == "image/jpeg"
    missing = url.rsplit("/", 1)[0] + "/ME" + "0" * 32
    assert httpx.get(missing, auth=auth).status_code == 404
