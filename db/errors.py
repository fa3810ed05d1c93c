"""Errors the persistence layer raises, each with a French message for the user."""
from __future__ import annotations


class DatabaseError(Exception):
    """A database cannot be opened or used; str(error) is the French message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class DatabaseOpenError(DatabaseError):
    pass


class DatabaseTooNewError(DatabaseOpenError):
    pass
