"""The root of every error the engine reports, and the exit codes the command line gives them.

The bottom layer: it imports nothing of the engine, so any module can derive its errors from it and
`adisteme --help` can load it without loading the engine.
"""
from __future__ import annotations

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class AdistemeError(Exception):
    """An error told to the user as one message (never a traceback).

    `exit_code` is what the command line exits with when the error ends a command: EXIT_USAGE (2) for a
    usage or input error, the default; EXIT_FINDINGS (1) for an error that is itself a finding. A class
    sets it for all its errors; one error may set its own (`exc.exit_code = EXIT_FINDINGS`).
    """

    exit_code: int = EXIT_USAGE
