"""cellgate: a conformance and gate harness for cells-based compute clouds."""
