"""Domain errors: each carries a French message and, when it applies, the field concerned.

The GUI shows the message next to the field; the command line prints it.
"""
from __future__ import annotations


class DomainError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class ValidationError(DomainError):
    """Input that breaks a rule: a range, a format, a date order, a contradiction."""

    def __init__(self, message: str, field: str | None = None, errors: list["ValidationError"] | None = None):
        super().__init__(message, field)
        self.errors = errors or [self]


class PermissionDenied(DomainError):
    """The actor's role or sectors do not allow the action."""


class NotFound(DomainError):
    """An unknown reference or id."""


class WorkflowError(DomainError):
    """A status change that the workflow does not allow."""


class ConflictError(DomainError):
    """Someone else saved the same record since it was loaded: nothing was written, the user reloads."""
