"""Channel adapters: parse a platform's request into an Inbound, send a delivery payload."""
