"""How many deliveries a worker claims at once when the settings name no number: enough
to keep its fastest channel's pace while claimed sends wait to be recorded."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot.channels.telegram.channel import TelegramChannel
from bot.settings import Settings
from scheduler.batching import claims_now, default_batch, room
from scheduler.worker import DeliveryWorker


def telegram(rate: float) -> TelegramChannel:
    return TelegramChannel(token="1:x", api_url="http://127.0.0.1:9", rate=rate)


def test_the_default_batch_is_fifty_or_a_tenth_of_a_second_at_the_fastest_pace() -> None:
    assert default_batch([]) == 50
    assert default_batch([telegram(25)]) == 50
    assert default_batch([telegram(300)]) == 50
    assert default_batch([telegram(1000)]) == 100
    assert default_batch([telegram(30), telegram(750)]) == 75


def test_room_counts_the_sends_not_yet_made_and_never_past_two_batches() -> None:
    assert room(100, in_hand=0, recording=0) == 100
    assert room(100, in_hand=100, recording=0) == 0
    assert room(100, in_hand=100, recording=60) == 60  # sent, their records being written
    assert room(100, in_hand=150, recording=140) == 50  # records behind: two batches at most
    assert claims_now(100, 50)
    assert not claims_now(100, 49)
    assert claims_now(1, 1)


def test_a_batch_named_in_the_settings_wins(factory: sessionmaker[Session]) -> None:
    channels = {"telegram": telegram(1000)}
    named = DeliveryWorker(factory=factory, channels=channels, batch_size=20)
    default = DeliveryWorker(factory=factory, channels=channels)
    assert named._batch_size == 20
    assert default._batch_size == 100
    assert Settings(_env_file=None).delivery_batch_size is None  # type: ignore[call-arg]
    named_in_settings = Settings(_env_file=None, delivery_batch_size=7)  # type: ignore[call-arg]
    assert named_in_settings.delivery_batch_size == 7
