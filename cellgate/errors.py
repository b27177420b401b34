"""Errors that cellgate's library code raises for the CLI to turn into messages and exit codes."""


class CellgateError(Exception):
    """Base of every error the CLI reports as one line (exit code 2), never a traceback."""

    exit_code = 2


class UsageError(CellgateError):
    """The user asked for something that does not exist (a job, a topology, a file)."""
