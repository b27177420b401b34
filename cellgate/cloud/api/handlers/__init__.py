"""Handler functions, one module per resource; each takes an ApiRequest (plus URL args)."""
