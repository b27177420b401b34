"""Cell router, cell services and schedulers, and the deployment that assembles them."""
