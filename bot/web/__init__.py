"""The web layer: the FastAPI app, webhooks, the JSON API, the simulator, health, metrics."""
