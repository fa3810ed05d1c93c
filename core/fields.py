"""Every field of a case, its household and its dwelling, declared once.

A declaration says the field's French label, its kind and limits (from which its
checker follows), its export column and the other headers the import accepts,
and where it prints. The Synthèse and new-case forms, the export, the import,
the fiche de suivi and the right-of-access PDF all read these tuples: a field
added here shows everywhere, and tests/core/test_fields.py fails where it does not.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Mapping

from core import validation as v
from core.formatting import fr_date, fr_number, yes_no
from db.vocab import PRIORITIES, SOCIAL_FINANCINGS, TENURES, TYPOLOGIES

Part = Literal["household", "dwelling", "case"]
# text, long_text, phone, email, postcode, dpe_class: text; count: integer; amount: decimal with a unit;
# flag: yes/no; choice: a code of `choices`; date; reference: the id of a row picked in a list (commune…);
# code: the code of a row picked in a list (origin).
Kind = Literal["text", "long_text", "phone", "email", "postcode", "dpe_class", "count", "amount", "flag", "choice",
               "date", "reference", "code"]
FICHE, RGPD = "fiche", "rgpd"
EVERYWHERE = frozenset({FICHE, RGPD})
_MAX_ID = 2**62


@dataclass(frozen=True)
class Field:
    key: str  # the model attribute
    part: Part
    label: str  # French: form caption (with « * » when required), error messages, fiche, RGPD PDF
    kind: Kind
    required: bool = False
    max_length: int = 0
    low: float = 0
    high: float = 0
    unit: str = ""
    low_inclusive: bool = True
    choices: Mapping[str, str] | None = None  # code -> label, for kind "choice"
    default: Any = None  # what an empty value becomes (form, import)
    placeholder: str = ""
    header: str = ""  # export column header, when it is not the label (kept as users' files know it)
    column: str = ""  # export/import column key, when it is not `key` (commune_id -> commune, shown by name)
    export_sql: str = ""  # the SELECT expression of the export, when it is not the part's column
    import_aliases: tuple[str, ...] = ()  # older headers the import still recognises
    choices_from: str = ""  # for "reference" and "code": the FormChoices list the form offers
    in_new_case: bool = False  # also asked in the new-case dialog (the minimum first)
    fiche_group: str = ""  # printed inside a combined line of the fiche (« Adresse », « Vulnérabilités »)
    prints_on: frozenset[str] = EVERYWHERE  # documents that print it: "fiche", "rgpd"
    feminine: bool = False  # « Typologie … inconnue »

    @property
    def export_header(self) -> str:
        return self.header or self.label

    @property
    def export_key(self) -> str:
        return self.column or self.key

    @property
    def caption(self) -> str:
        return f"{self.label} *" if self.required else self.label

    def check(self, value: Any) -> Any:
        """The clean value, or a French ValidationError naming the field."""
        key, label, kind = self.key, self.label, self.kind
        if kind in ("text", "long_text", "code"):
            cleaned = v.text(value, key, label, self.max_length, required=self.required)
            return cleaned or (self.default if self.default is not None else cleaned)
        if kind == "phone":
            return v.phone(value, key)
        if kind == "email":
            return v.email(value, key)
        if kind == "postcode":
            return v.postcode(value, key)
        if kind == "dpe_class":
            return v.dpe_class(value, key)
        if kind == "count":
            return v.integer(value, key, label, int(self.low), int(self.high), required=self.required)
        if kind == "reference":
            return v.integer(value, key, label, 1, _MAX_ID, required=self.required)
        if kind == "amount":
            return v.number(value, key, label, self.low, self.high, self.unit, low_inclusive=self.low_inclusive)
        if kind == "flag":
            return v.boolean(value, key, label)
        if kind == "choice":
            return v.choice(value, key, label, self.choices or {}, required=self.required)
        if kind == "date":
            return v.a_date(value, key, label, required=self.required)
        raise TypeError(f"unknown field kind {kind!r}")


def _vulnerability(key: str, label: str, **more) -> Field:
    return Field(key, "household", label, "flag", default=False, fiche_group="Vulnérabilités", **more)


HOUSEHOLD: tuple[Field, ...] = (
    Field("last_name", "household", "Nom du ménage", "text", required=True, max_length=120, header="Nom",
          in_new_case=True, fiche_group="Personne de référence"),
    Field("first_name", "household", "Prénom", "text", max_length=120, in_new_case=True,
          fiche_group="Personne de référence"),
    Field("phone", "household", "Téléphone", "phone", placeholder="03 20 00 00 00", in_new_case=True),
    Field("email", "household", "Courriel", "email"),
    Field("adults", "household", "Adultes", "count", required=True, low=0, high=20, default=1, in_new_case=True,
          fiche_group="Composition"),
    Field("children", "household", "Enfants (moins de 18 ans)", "count", required=True, low=0, high=20, default=0,
          header="Enfants", in_new_case=True, fiche_group="Composition"),
    _vulnerability("has_child_under_6", "Enfant de moins de 6 ans", in_new_case=True),
    _vulnerability("has_person_over_75", "Personne de plus de 75 ans"),
    _vulnerability("has_disability", "Handicap ou mobilité réduite"),
    # « Isolement » was the export's header: the import still reads it.
    _vulnerability("is_isolated", "Personne isolée", import_aliases=("Isolement",)),
    _vulnerability("has_pregnancy", "Grossesse"),
    Field("caf_allocataire", "household", "Allocataire CAF/MSA", "flag", default=False),
    Field("preferred_language", "household", "Langue", "text", max_length=60, default="français"),
)

DWELLING: tuple[Field, ...] = (
    Field("street_number", "dwelling", "Numéro", "text", max_length=20, header="N°", in_new_case=True,
          fiche_group="Adresse"),
    Field("street", "dwelling", "Voie", "text", required=True, max_length=200, placeholder="rue, avenue…",
          in_new_case=True, fiche_group="Adresse"),
    Field("building", "dwelling", "Bâtiment / entrée", "text", max_length=60, header="Bâtiment", in_new_case=True,
          fiche_group="Adresse"),
    Field("floor", "dwelling", "Étage", "text", max_length=20, in_new_case=True, fiche_group="Adresse"),
    Field("door", "dwelling", "Porte", "text", max_length=20, in_new_case=True, fiche_group="Adresse"),
    Field("postcode", "dwelling", "Code postal", "postcode", required=True, placeholder="59000", in_new_case=True,
          fiche_group="Adresse"),
    Field("commune_id", "dwelling", "Commune", "reference", required=True, column="commune", export_sql="co.name",
          choices_from="communes", in_new_case=True, fiche_group="Adresse"),
    Field("neighbourhood_id", "dwelling", "Quartier", "reference", column="neighbourhood", export_sql="n.name",
          choices_from="neighbourhoods", in_new_case=True, fiche_group="Quartier"),
    Field("tenure", "dwelling", "Statut d'occupation", "choice", required=True, choices=TENURES, in_new_case=True),
    Field("landlord_id", "dwelling", "Bailleur", "reference", column="landlord", export_sql="p.name",
          choices_from="landlords", in_new_case=True),
    Field("social_financing", "dwelling", "Financement social", "choice", choices=SOCIAL_FINANCINGS,
          header="Financement"),
    Field("typology", "dwelling", "Typologie", "choice", choices=TYPOLOGIES, feminine=True),
    Field("living_area_m2", "dwelling", "Surface habitable", "amount", low=1, high=1000, unit="m²",
          header="Surface habitable (m²)"),
    Field("main_rooms", "dwelling", "Pièces principales", "count", low=1, high=30),
    Field("main_room_area_m2", "dwelling", "Pièce principale", "amount", low=0, high=1000, unit="m²",
          low_inclusive=False, header="Pièce principale (m²)"),
    Field("ceiling_height_m", "dwelling", "Hauteur sous plafond", "amount", low=0, high=10, unit="m",
          low_inclusive=False, header="Hauteur sous plafond (m)"),
    Field("dpe_class", "dwelling", "Classe DPE", "dpe_class", fiche_group="DPE"),
    Field("dpe_date", "dwelling", "Date du DPE", "date", fiche_group="DPE"),
    Field("energy_kwh_m2_year", "dwelling", "Consommation d'énergie", "amount", low=0, high=2000, unit="kWh/m²/an",
          header="Consommation (kWh/m²/an)"),
)

CASE: tuple[Field, ...] = (
    # fiche_group « Dossier »: printed by the fiche's own header (status, dates, agent, summary below it).
    Field("source", "case", "Origine", "code", required=True, max_length=40, choices_from="sources",
          export_sql="src.label", in_new_case=True, fiche_group="Dossier"),
    Field("priority", "case", "Priorité", "choice", required=True, choices=PRIORITIES, default="normale",
          in_new_case=True, feminine=True, fiche_group="Dossier"),
    Field("opened_on", "case", "Signalé le", "date", required=True, header="Ouvert le", in_new_case=True,
          fiche_group="Dossier"),
    Field("agent_id", "case", "Agent", "reference", column="agent", export_sql="u.full_name", choices_from="agents",
          in_new_case=True, fiche_group="Dossier"),
    Field("summary", "case", "Résumé", "long_text", max_length=20000, in_new_case=True, fiche_group="Dossier"),
)

ALL: tuple[Field, ...] = HOUSEHOLD + DWELLING + CASE
BY_PART: dict[str, tuple[Field, ...]] = {"household": HOUSEHOLD, "dwelling": DWELLING, "case": CASE}
BY_KEY: dict[str, Field] = {f.key: f for f in ALL}
BY_COLUMN: dict[str, Field] = {f.export_key: f for f in ALL}


def keys(part: Part) -> tuple[str, ...]:
    return tuple(f.key for f in BY_PART[part])


def checkers(part: Part) -> dict[str, Any]:
    """key -> checker, as the services' field-by-field validation expects."""
    return {f.key: f.check for f in BY_PART[part]}


def shown(field: Field, value: Any) -> str:
    """A stored value as a French reader expects it (« oui », « Locataire parc social », « 48,5 m² »)."""
    if value is None or value == "":
        return ""
    if field.kind == "flag":
        return yes_no(bool(value))
    if field.kind == "choice":
        return (field.choices or {}).get(value, str(value))
    if field.kind == "date":
        return fr_date(value)
    if field.kind == "amount":
        return f"{fr_number(value, 2).rstrip('0').rstrip(',')}\u00a0{field.unit}".strip()
    return str(value)
