"""Views: turn core records into Nova/Glance response bodies for a microversion."""
