"""Who performs an action: every service call is made on behalf of an actor."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    login: str
    role: str  # "agent", "manager" or "admin" (db.vocab.ROLES)
    full_name: str = ""
    sector_ids: frozenset[int] = field(default_factory=frozenset)


# Command-line maintenance and migrations run as the system, which is audited too.
SYSTEM = Actor(user_id=None, login="système", role="admin", full_name="Système")
