"""Is the open base a laptop base, and from which checkout (the window shows it in its title bar)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from db import models as m


@dataclass(frozen=True)
class LaptopInfo:
    checkout_uuid: str
    office_label: str
    holder_login: str
    taken_at: datetime
    returned_at: datetime | None


def laptop_origin(database) -> LaptopInfo | None:
    with database.session() as session:
        row = session.scalar(select(m.LaptopOrigin).limit(1))
    if row is None:
        return None
    return LaptopInfo(row.checkout_uuid, row.office_label, row.holder_login, row.taken_at, row.returned_at)
