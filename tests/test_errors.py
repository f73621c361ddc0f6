"""One error root: every exception class of the engine is an AdistemeError, which the command line catches."""
from __future__ import annotations

import importlib
from pathlib import Path

from click.testing import CliRunner

import cli
from engine.errors import EXIT_FINDINGS, EXIT_USAGE, AdistemeError

ENGINE = Path(__file__).resolve().parent.parent / "engine"


def exception_classes() -> list[type[BaseException]]:
    """Every exception class defined in a module of engine/ (all of them imported), but the root itself."""
    found = []
    for path in sorted(ENGINE.rglob("*.py")):
        name = ".".join(("engine", *path.relative_to(ENGINE).with_suffix("").parts)).removesuffix(".__init__")
        module = importlib.import_module(name)
        found += [c for c in vars(module).values()
                  if isinstance(c, type) and issubclass(c, BaseException) and c.__module__ == name and c is not AdistemeError]
    return found


def test_the_engine_has_exception_classes_to_check():
    # the walk finds them: at least the ones the command line has always reported
    found = {c.__name__ for c in exception_classes()}
    assert {"RegistryError", "EditionError", "RecordsError", "StorageError", "InputError", "PeriodError"} <= found


def test_every_engine_exception_derives_from_the_root():
    for cls in exception_classes():
        assert issubclass(cls, AdistemeError), f"{cls.__module__}.{cls.__name__} does not derive from AdistemeError"


def test_the_other_bases_stay():
    # code that catches LookupError or ValueError still catches these
    from engine.calendar.periods import PeriodError
    from engine.editions.registry import RegistryError
    from engine.editions.yearcal import CalendarError
    from engine.evaluation.results import UnknownEvaluation

    assert issubclass(RegistryError, LookupError) and issubclass(CalendarError, LookupError)
    assert issubclass(UnknownEvaluation, LookupError) and issubclass(PeriodError, ValueError)


def test_usage_is_the_default_exit_code():
    from engine.formats.records import RecordsError

    assert AdistemeError.exit_code == EXIT_USAGE == 2
    assert RecordsError("x").exit_code == 2


def test_the_command_line_ends_with_the_message_and_the_errors_exit_code(monkeypatch):
    from engine.editions.registry import RegistryError

    result = CliRunner().invoke(cli.main, ["schema", "nosuch@2017", "annual"])
    assert (result.exit_code, result.stdout) == (EXIT_USAGE, "")
    assert result.stderr.startswith("adisteme: error: no methodology family 'nosuch'") and "Traceback" not in result.stderr
    # an error that is a finding ends the command with 1: the exit code is the error's, not the command line's
    monkeypatch.setattr(RegistryError, "exit_code", EXIT_FINDINGS)
    result = CliRunner().invoke(cli.main, ["schema", "nosuch@2017", "annual"])
    assert result.exit_code == EXIT_FINDINGS and result.stderr.startswith("adisteme: error: no methodology family 'nosuch'")
