"""The spacing one worker keeps between two messages to one destination, and what it
forgets once that has passed."""

from __future__ import annotations

import pytest

from bot.channels.base import Pacing
from bot.channels.console.channel import ConsoleChannel
from bot.domain.outbox import Claimed
from bot.outbound import ButtonAck, Message
from scheduler import spacing as spacing_module
from scheduler.spacing import ChatSpacing


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(spacing_module, "time", clock)
    return clock


def _spacing(seconds: float) -> ChatSpacing:
    channel = ConsoleChannel()
    channel.pacing = Pacing(rate=30, concurrency=8, spacing=seconds)
    return ChatSpacing({channel.name: channel})


def _item(n: int, message: Message | ButtonAck | None = None) -> Claimed:
    channel = ConsoleChannel.name
    return Claimed(n, n, f"{channel}:{n}", message or Message(text="Bonjour"), 0)


def test_a_destination_waits_its_spacing_then_is_forgotten(clock: Clock) -> None:
    spacing = _spacing(1.0)
    first, other = _item(1), _item(2)
    spacing.sent_to(first)
    assert spacing.wait(first) == pytest.approx(1.0)
    assert spacing.wait(other) == 0.0
    clock.now += 0.4
    spacing.forget_past()
    assert spacing.wait(first) == pytest.approx(0.6)
    assert spacing.remembered == 1
    clock.now += 0.6
    spacing.forget_past()
    assert spacing.wait(first) == 0.0
    assert spacing.remembered == 0


def test_only_what_has_passed_is_forgotten(clock: Clock) -> None:
    spacing = _spacing(1.0)
    for n in range(1, 6):
        spacing.sent_to(_item(n))
        clock.now += 0.3
    # Sent at 0, 0.3, 0.6, 0.9 and 1.2; now 1.5: the first two are free again.
    spacing.forget_past()
    assert spacing.remembered == 3
    assert [spacing.wait(_item(n)) for n in range(1, 6)] == pytest.approx([0.0, 0.0, 0.1, 0.4, 0.7])


def test_a_platforms_wait_outlasts_the_spacing(clock: Clock) -> None:
    spacing = _spacing(1.0)
    item = _item(7)
    spacing.sent_to(item)
    spacing.hold_off(item.address or "", 30.0)
    clock.now += 1.5  # the spacing has passed, the platform's wait has not
    spacing.forget_past()
    assert spacing.wait(item) == pytest.approx(28.5)
    spacing.sent_to(item)  # sent again, earlier than the wait asked: it moves back
    clock.now += 1.0
    spacing.forget_past()
    assert spacing.wait(item) == 0.0
    assert spacing.remembered == 0


def test_a_shorter_wait_does_not_cut_a_longer_one(clock: Clock) -> None:
    spacing = _spacing(1.0)
    item = _item(8)
    spacing.hold_off(item.address or "", 10.0)
    spacing.hold_off(item.address or "", 2.0)
    clock.now += 3.0
    spacing.forget_past()
    assert spacing.wait(item) == pytest.approx(7.0)
    assert spacing.remembered == 1


def test_acknowledgements_wait_for_nothing(clock: Clock) -> None:
    spacing = _spacing(1.0)
    ack = _item(9, ButtonAck(callback_query_id="q"))
    spacing.sent_to(ack)
    assert spacing.wait(ack) == 0.0
    assert spacing.remembered == 0
