"""The service header printed on every page, configured in the settings table.

Keys: service_name, service_address (lines separated by newlines),
service_logo (path to an image file), service_phone, service_email,
service_hours (when the household letter says to call).
Missing keys fall back to sensible defaults for the MEL.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Setting

DEFAULTS = {
    "service_name": "Métropole Européenne de Lille — Médiation habitat",
    "service_address": "2 boulevard des Cités Unies\nCS 70043 — 59040 Lille Cedex",
    "service_logo": "",
    "service_phone": "03 20 21 22 23",
    "service_email": "",
    "service_hours": "du lundi au vendredi, de 9 h à 12 h et de 14 h à 17 h",
}


@dataclass(frozen=True)
class ServiceHeader:
    name: str = DEFAULTS["service_name"]
    address: str = DEFAULTS["service_address"]
    logo_path: str = ""
    phone: str = DEFAULTS["service_phone"]
    email: str = ""
    hours: str = DEFAULTS["service_hours"]

    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.splitlines() if line.strip()]


def service_header(session: Session) -> ServiceHeader:
    values = dict(DEFAULTS)
    for key, value in session.execute(select(Setting.key, Setting.value).where(Setting.key.in_(DEFAULTS))):
        if value is not None and (value.strip() or key in ("service_logo", "service_email")):
            values[key] = value
    return ServiceHeader(name=values["service_name"], address=values["service_address"],
                         logo_path=values["service_logo"], phone=values["service_phone"], email=values["service_email"],
                         hours=values["service_hours"])


def save_service_header(session: Session, **values: str) -> None:
    """Store some header keys (service_name=..., service_logo=...) in the caller's transaction."""
    for key, value in values.items():
        if key not in DEFAULTS:
            raise KeyError(key)
        setting = session.get(Setting, key)
        if setting is None:
            session.add(Setting(key=key, value=value))
        else:
            setting.value = value


def configure_service_header(database, actor, **values: str | None) -> ServiceHeader:
    """Change the header printed on every PDF (administrators); the logo must be a readable image file."""
    from pathlib import Path

    from PIL import Image

    from core.access import authorize
    from core.audit import record_event
    from core.errors import ValidationError

    changes = {key: value for key, value in values.items() if value is not None}
    logo = changes.get("service_logo")
    if logo:
        path = Path(logo).expanduser().absolute()
        try:
            with Image.open(path) as image:
                image.verify()
        except (OSError, ValueError):
            raise ValidationError(f"Logo illisible : « {logo} » n'est pas une image PNG ou JPEG lisible.",
                                  field="service_logo") from None
        changes["service_logo"] = str(path)
    if "service_name" in changes and not changes["service_name"].strip():
        raise ValidationError("Le nom du service ne peut pas être vide.", field="service_name")
    with database.write() as session:
        authorize(session, actor, "reference.edit")
        save_service_header(session, **changes)
        record_event(session, actor, "settings", "service_header", "", {"cles": sorted(changes)})
        return service_header(session)
