"""The campaign's domain: relays, posts, kits, broadcasts, contests, polls, the outbox.

Services here take the session and flush; they know nothing of HTTP or of any platform."""
