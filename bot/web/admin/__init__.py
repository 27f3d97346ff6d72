"""The organisers' dashboard at /admin: server-rendered pages, each behind a login."""
