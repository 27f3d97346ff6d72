"""Channels: each platform's folder parses its requests into Inbound values and sends
outbound messages at its own pace; registry.py lists them."""
