"""The JSON API for organisers' tools (bearer RELAIS_ADMIN_TOKEN), documented at /docs."""
