"""Communes, neighbourhoods (QPV or not) and partners."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, Travelling
from db.models.reference import PartnerType


class Commune(Base):
    __tablename__ = "communes"
    id: Mapped[int] = mapped_column(primary_key=True)
    insee_code: Mapped[str] = mapped_column(String(5), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    postcode: Mapped[str] = mapped_column(String(5))
    neighbourhoods: Mapped[list["Neighbourhood"]] = relationship(back_populates="commune")


class Neighbourhood(Base):
    __tablename__ = "neighbourhoods"
    __table_args__ = (UniqueConstraint("commune_id", "name", name="uq_neighbourhoods_commune_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    qpv_code: Mapped[str | None] = mapped_column(String(20))
    is_qpv: Mapped[bool] = mapped_column(Boolean, default=False)
    commune: Mapped[Commune] = relationship(back_populates="neighbourhoods")


class Partner(Travelling, Base):
    __tablename__ = "partners"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    partner_type: Mapped[str] = mapped_column(ForeignKey("ref_partner_types.code", ondelete="RESTRICT"), index=True)
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id", ondelete="SET NULL"))
    address: Mapped[str] = mapped_column(String(300), default="")  # street lines of the postal address
    postcode: Mapped[str] = mapped_column(String(5), default="", server_default="")
    city: Mapped[str] = mapped_column(String(120), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    type: Mapped[PartnerType] = relationship()
    commune: Mapped[Commune | None] = relationship()

    @property
    def postal_lines(self) -> list[str]:
        """The postal address as a letter prints it: street lines, then « 59000 LILLE »."""
        lines = [line.strip() for line in (self.address or "").splitlines() if line.strip()]
        city = (self.city or (self.commune.name if self.commune else "")).strip()
        if self.postcode or city:
            lines.append(f"{self.postcode} {city.upper()}".strip())
        return lines
