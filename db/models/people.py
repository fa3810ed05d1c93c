"""Users (agents, managers, administrators), households and dwellings."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, Float, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, Travelling, check_in
from db.models.places import Commune, Neighbourhood, Partner
from db.vocab import CIVILITIES, DPE_CLASSES, ROLES, SOCIAL_FINANCINGS, TENURES, TYPOLOGIES


class User(Travelling, Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(check_in("role", ROLES), name="role"),
                      CheckConstraint(check_in("civility", CIVILITIES), name="civility"))
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(160))
    # Letters say « votre interlocutrice » and sign with the title: both are the person's own choice.
    civility: Mapped[str] = mapped_column(String(4), default="", server_default="")
    job_title: Mapped[str] = mapped_column(String(120), default="", server_default="")
    role: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    sectors: Mapped[list[Neighbourhood]] = relationship(secondary="user_sectors")


class UserSector(Base):
    """The neighbourhoods an agent covers."""

    __tablename__ = "user_sectors"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhoods.id", ondelete="CASCADE"), primary_key=True)


class Household(Travelling, Base):
    __tablename__ = "households"
    __table_args__ = (
        CheckConstraint("adults >= 0 AND adults <= 20", name="adults_range"),
        CheckConstraint("children >= 0 AND children <= 20", name="children_range"),
        CheckConstraint("adults + children >= 1 AND adults + children <= 20", name="persons_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    last_name: Mapped[str] = mapped_column(String(120))
    first_name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    adults: Mapped[int] = mapped_column(Integer, default=1)
    children: Mapped[int] = mapped_column(Integer, default=0)
    has_child_under_6: Mapped[bool] = mapped_column(Boolean, default=False)
    has_person_over_75: Mapped[bool] = mapped_column(Boolean, default=False)
    has_disability: Mapped[bool] = mapped_column(Boolean, default=False)
    is_isolated: Mapped[bool] = mapped_column(Boolean, default=False)
    has_pregnancy: Mapped[bool] = mapped_column(Boolean, default=False)
    caf_allocataire: Mapped[bool] = mapped_column(Boolean, default=False)
    preferred_language: Mapped[str] = mapped_column(String(60), default="français")

    @property
    def persons(self) -> int:
        return self.adults + self.children

    @property
    def display_name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}".strip()



# The case list sorted by household name reads this index in order and stops at its first page (1 ms at
# 100,000 cases, instead of sorting them all: 55 ms); the first name, then the id, break ties in that order.
Index("ix_households_sort_name", func.lower(Household.last_name), func.lower(Household.first_name), Household.id)

class Dwelling(Travelling, Base):
    __tablename__ = "dwellings"
    __table_args__ = (
        CheckConstraint(check_in("tenure", TENURES), name="tenure"),
        CheckConstraint(f"social_financing IS NULL OR {check_in('social_financing', SOCIAL_FINANCINGS)}", name="financing"),
        CheckConstraint(f"typology IS NULL OR {check_in('typology', TYPOLOGIES)}", name="typology"),
        CheckConstraint(f"dpe_class IS NULL OR {check_in('dpe_class', DPE_CLASSES)}", name="dpe_class"),
        CheckConstraint("living_area_m2 IS NULL OR (living_area_m2 >= 1 AND living_area_m2 <= 1000)", name="area_range"),
        CheckConstraint("main_rooms IS NULL OR (main_rooms >= 1 AND main_rooms <= 30)", name="rooms_range"),
        CheckConstraint("main_room_area_m2 IS NULL OR (main_room_area_m2 > 0 AND main_room_area_m2 <= 1000)", name="main_room_range"),
        CheckConstraint("ceiling_height_m IS NULL OR (ceiling_height_m > 0 AND ceiling_height_m <= 10)", name="ceiling_range"),
        CheckConstraint("energy_kwh_m2_year IS NULL OR (energy_kwh_m2_year >= 0 AND energy_kwh_m2_year <= 2000)", name="energy_range"),
        CheckConstraint("length(postcode) = 5", name="postcode_length"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    street_number: Mapped[str] = mapped_column(String(20), default="")
    street: Mapped[str] = mapped_column(String(200))
    building: Mapped[str] = mapped_column(String(60), default="")
    floor: Mapped[str] = mapped_column(String(20), default="")
    door: Mapped[str] = mapped_column(String(20), default="")
    postcode: Mapped[str] = mapped_column(String(5))
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="RESTRICT"), index=True)
    neighbourhood_id: Mapped[int | None] = mapped_column(ForeignKey("neighbourhoods.id", ondelete="SET NULL"), index=True)
    tenure: Mapped[str] = mapped_column(String(30))
    landlord_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id", ondelete="SET NULL"), index=True)
    social_financing: Mapped[str | None] = mapped_column(String(10))
    typology: Mapped[str | None] = mapped_column(String(5))
    living_area_m2: Mapped[float | None] = mapped_column(Float)
    main_rooms: Mapped[int | None] = mapped_column(Integer)
    main_room_area_m2: Mapped[float | None] = mapped_column(Float)
    ceiling_height_m: Mapped[float | None] = mapped_column(Float)
    dpe_class: Mapped[str | None] = mapped_column(String(1))
    dpe_date: Mapped[date | None] = mapped_column(Date)
    energy_kwh_m2_year: Mapped[float | None] = mapped_column(Float)
    commune: Mapped[Commune] = relationship()
    neighbourhood: Mapped[Neighbourhood | None] = relationship()
    landlord: Mapped[Partner | None] = relationship()

    @property
    def address_line(self) -> str:
        parts = [f"{self.street_number} {self.street}".strip()]
        if self.building:
            parts.append(f"bât. {self.building}")
        if self.floor:
            parts.append(f"étage {self.floor}")
        if self.door:
            parts.append(f"porte {self.door}")
        return ", ".join(parts)

    @property
    def full_address(self) -> str:
        commune = self.commune.name if self.commune else ""
        return f"{self.address_line}, {self.postcode} {commune}".strip()


Index("ix_dwellings_sort_street", func.lower(Dwelling.street), Dwelling.id)  # the list sorted by address, likewise
