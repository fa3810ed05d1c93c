"""A case whose every declared field (core.fields) holds a value other than its default.

Values are derived from each field's kind and limits, so a field declared tomorrow gets one too:
the tests that use this case then check it through the forms, the export, the import and the PDFs.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core import fields as declared
from db import models as m

_FIXED = {"phone": "03 20 12 34 56", "email": "quintard.maelle@exemple.fr", "postcode": "59100", "dpe_class": "C"}


def sample_value(field: declared.Field, index: int):
    """A valid, non-default value for a field that is not a reference to another row."""
    if field.kind in _FIXED:
        return _FIXED[field.kind]
    if field.kind == "flag":
        return not field.default
    if field.kind == "count":
        return int(field.low) + 3 + index % 2
    if field.kind == "amount":
        return round(field.low + (field.high - field.low) / 4 + 0.25, 2)
    if field.kind == "choice":
        return list(field.choices)[-1] if list(field.choices)[-1] != field.default else list(field.choices)[0]
    if field.kind == "date":
        return date(2025, 6, 1 + index % 27)
    return f"Qz{field.key.replace('_', '')}{index}"[:field.max_length]  # text, long_text


def fill_every_field(database) -> tuple[int, dict]:
    """Give one case of the base a non-default value in every declared field; its id and the values set."""
    with database.write() as session:
        case = session.scalar(select(m.Case).where(m.Case.status != "clos").order_by(m.Case.id))
        rows = {"household": case.household, "dwelling": case.dwelling, "case": case}
        values = {}
        for index, field in enumerate(declared.ALL):
            if field.kind in ("reference", "code"):
                continue
            values[field.key] = sample_value(field, index)
            setattr(rows[field.part], field.key, values[field.key])
        commune = session.scalar(select(m.Commune).join(m.Neighbourhood).order_by(m.Commune.id))
        neighbourhood = session.scalar(select(m.Neighbourhood).where(m.Neighbourhood.commune_id == commune.id))
        landlord = session.scalar(select(m.Partner).where(m.Partner.partner_type == "bailleur_social"))
        agent = session.scalar(select(m.User).where(m.User.active, m.User.role == "agent"))
        source = session.scalar(select(m.CaseSource).where(m.CaseSource.code != case.source))
        case.dwelling.commune_id, case.dwelling.neighbourhood_id = commune.id, neighbourhood.id
        case.dwelling.landlord_id, case.agent_id, case.source = landlord.id, agent.id, source.code
        values.update(commune_id=commune.name, neighbourhood_id=neighbourhood.name, landlord_id=landlord.name,
                      agent_id=agent.full_name, source=source.label)
        # Every reference field must have been given a row above: a new one needs a line here.
        assert {f.key for f in declared.ALL} <= set(values), set(f.key for f in declared.ALL) - set(values)
        return case.id, values
