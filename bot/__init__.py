"""Relais: a chat bot for civic mobilisation relays."""
