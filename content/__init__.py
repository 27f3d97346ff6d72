"""Campaign content: places, and (later) the campaign file schema, loaders and readiness."""
