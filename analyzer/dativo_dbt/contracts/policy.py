"""Which tests a contract's custom checks may name (README "Security model"): the policy a loaded
contract carries (`checks.custom_tests.project_policy` builds a project's)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: dbt's built-in generic tests (dbt's own macros; their arguments are data).
BUILTIN_TESTS = frozenset({"unique", "not_null", "accepted_values", "relationships"})


class CustomArgumentError(ValueError):
    """A custom check's test or argument a contract may not use; `key` is the argument (or None
    for the test name itself)."""

    def __init__(self, message: str, *, key: str | None = None) -> None:
        self.key = key
        super().__init__(message)


@dataclass(frozen=True)
class CustomPolicy:
    """The tests a contract may name: the project's own (`project_tests`; None when the project is
    unknown), dbt's built-ins, and `security.allowed_tests`; `trusted` maps a test to the SQL
    arguments `dativo.yml` lets contracts set."""

    project_tests: frozenset[str] | None = None
    allowed: frozenset[str] = frozenset()
    trusted: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def check_test(self, test: str) -> None:
        """Raise CustomArgumentError when a contract may not name `test`."""
        if test in self.allowed or ("." not in test and test in BUILTIN_TESTS):
            return
        if "." not in test and (self.project_tests is None or test in self.project_tests):
            return
        where = (
            "it is not a generic test of this dbt project"
            if "." not in test
            else "tests of packages must be allow-listed"
        )
        raise CustomArgumentError(
            f"test {test!r} may not be named by a contract: {where}; expected a generic test of "
            f"the project, one of {', '.join(sorted(BUILTIN_TESTS))}, or a test listed in "
            "dativo.yml `security.allowed_tests`"
        )
