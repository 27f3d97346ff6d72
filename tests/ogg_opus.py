"""A real, playable Ogg Opus voice note of silence, built byte by byte (no encoder here):
what Telegram and WhatsApp voice notes are, for tests that play one in a browser."""

from __future__ import annotations

import struct

SILENCE = b"\xf8\xff\xfe"  # one 20 ms full-band CELT frame of silence
SAMPLES_PER_FRAME = 960  # 20 ms at 48 kHz
PRE_SKIP = 312


def _crc_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
        table.append(crc & 0xFFFFFFFF)
    return table


_TABLE = _crc_table()


def _crc(data: bytes) -> int:
    """Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, starting at 0."""
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _TABLE[((crc >> 24) & 0xFF) ^ byte]
    return crc


def _page(packets: list[bytes], *, flags: int, granule: int, sequence: int) -> bytes:
    lacing = b""
    for packet in packets:
        lacing += b"\xff" * (len(packet) // 255) + bytes([len(packet) % 255])
    header = struct.pack("<4sBBqIIIB", b"OggS", 0, flags, granule, 1, sequence, 0, len(lacing))
    page = header + lacing + b"".join(packets)
    return page[:22] + struct.pack("<I", _crc(page)) + page[26:]


def silence(seconds: int = 2) -> bytes:
    """An Ogg Opus file of `seconds` of silence, mono."""
    head = struct.pack("<8sBBHIhB", b"OpusHead", 1, 1, PRE_SKIP, 48000, 0, 0)
    vendor = b"relais-tests"
    tags = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 0)
    frames = seconds * 50
    return (
        _page([head], flags=0x02, granule=0, sequence=0)
        + _page([tags], flags=0, granule=0, sequence=1)
        + _page([SILENCE] * frames, flags=0x04, granule=frames * SAMPLES_PER_FRAME, sequence=2)
    )
