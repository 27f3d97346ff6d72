"""Telegram through the Bot API: updates in (updates.py), messages out (channel.py)."""
