"""cellgate: a conformance and gate harness for cells-based compute clouds."""


def version() -> str:
    """The installed distribution's version (package metadata); `0+unknown` when cellgate runs
    from a source tree that was never installed."""
    from importlib import metadata

    try:
        return metadata.version("cellgate")
    except metadata.PackageNotFoundError:
        return "0+unknown"
