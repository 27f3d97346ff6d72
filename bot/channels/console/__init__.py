"""The console channel: the web simulator's phones."""
