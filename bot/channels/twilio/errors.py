"""Twilio's error codes, by what the worker should do about them: one place for the codes
a refused send and a status callback both carry. No SDK here: the status route and the
domain read these without importing twilio-python."""

from __future__ import annotations

UNREACHABLE_CODES = frozenset({21610, 21211, 21612, 21614, 63024, 63003})
WAITS_FOR_RELAY_CODES = frozenset({63016})  # WhatsApp: outside the 24-hour window
SLOW_DOWN_CODES = frozenset({63018, 20429, 14107})
DEFAULT_RETRY_AFTER = 10.0
