"""White-box unit tests of the cloud core (below the HTTP layer)."""
