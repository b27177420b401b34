"""Request body JSON schemas, one module per resource (shaped after Nova's api/validation)."""
