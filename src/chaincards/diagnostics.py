"""Diagnostics: the one-line `path:line: severity: message` reports every stage can emit."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    severity: Severity
    message: str

    def sort_key(self) -> tuple[str, int, str, str]:
        """The dataclass order as a plain tuple: sorting by it is several times faster."""
        return (self.path, self.line, self.severity.value, self.message)

    def format(self) -> str:
        # Newlines inside a message would break the one-line contract that editors and CI parse.
        message = " ".join(self.message.split())
        path = self.path.replace("\r", "\\r").replace("\n", "\\n")
        return f"{path}:{self.line}: {self.severity.value}: {message}"

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "severity": self.severity.value,
            "message": self.message,
        }


def error(path: str, line: int, message: str) -> Diagnostic:
    return Diagnostic(path, line, Severity.ERROR, message)


def warning(path: str, line: int, message: str) -> Diagnostic:
    return Diagnostic(path, line, Severity.WARNING, message)


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


def exit_code(diagnostics: list[Diagnostic], *, strict: bool) -> int:
    """0 clean, 1 when a note error was reported (or any warning under --strict)."""
    if has_errors(diagnostics) or (strict and diagnostics):
        return 1
    return 0
