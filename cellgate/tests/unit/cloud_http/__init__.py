"""White-box tests of the reference cloud's HTTP layer, identity and serve process."""
