"""Courrier au bailleur (works requested, with a deadline) and courrier au ménage
(plain-language update). The wording lives in resources/templates/*.txt so a
service can edit it without touching code."""
from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path
from string import Template
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Table, TableStyle
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import ValidationError
from core.formatting import fr_date
from core.pdf.common import CONTENT_WIDTH, markup, para, spacer, table
from core.pdf.documents import Composed, find_case, produce
from core.pdf.fiche import journal_entries
from core.queries.case_tabs import visits_of_case
from core.pdf.service import service_header
from db import models as m
from db.base import now
from db.engine import Database
from db.vocab import CASE_STATUSES, ZONES, label

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "resources" / "templates"
DEFAULT_DELAY_DAYS = 30
RULES = {
    "non_decence": "Décence du logement (décret n° 2002-120)",
    "non_decence_energetique": "Décence énergétique (décret n° 2002-120, art. 3 bis)",
    "infraction_rsd": "Règlement sanitaire départemental du Nord",
    "insalubrite": "Insalubrité (Code de la santé publique, art. L1331-22)",
    "suspicion_insalubrite": "Insalubrité (Code de la santé publique)",
    "mise_en_securite": "Sécurité des occupants (Code de la construction et de l'habitation, art. L511-2)",
}
STATUS_PLAIN = {
    "nouveau": "enregistré, nous allons l'étudier",
    "en_cours": "en cours de traitement",
    "en_attente": "en attente d'une réponse d'un partenaire",
    "clos": "terminé",
}


def load_template(name: str) -> list[str]:
    """Paragraphs of a template file: comment lines dropped, blank lines separate paragraphs."""
    text = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    paragraphs, current = [], []
    for line in lines + [""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    return paragraphs


def render_template(name: str, values: dict[str, str], blocks: dict[str, list]) -> list:
    story = []
    escaped = {key: escape(str(value)) for key, value in values.items()}
    for paragraph in load_template(name):
        if paragraph in blocks:
            story.extend(blocks[paragraph])
            continue
        text = Template(escape(paragraph)).safe_substitute(escaped).replace("\n", "<br/>")
        if text.startswith("Objet :"):
            text = "<b>" + text.replace("<br/>", "</b><br/>", 1) + ("" if "<br/>" in text else "</b>")
        story.append(markup(text, "letter"))
    return story


def address_block(recipient_lines: list[str], place_date: str) -> list:
    """Recipient on the right, as in a window envelope, then place and date."""
    recipient = markup("<br/>".join(escape(line) for line in recipient_lines if line), "letter")
    block = Table([["", recipient]], colWidths=[CONTENT_WIDTH - 85 * mm, 85 * mm])
    block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [spacer(4), block, spacer(8), para(place_date, "letter"), spacer(4)]


def signature(actor: Actor, case: m.Case, service_name: str) -> list:
    signer = case.agent.full_name if case.agent else (actor.full_name or actor.login)
    return [spacer(6), KeepTogether([para(signer, "letter"), para(service_name, "muted")])]


def _city(header) -> str:
    lines = header.address_lines()
    last = lines[-1] if lines else ""
    words = [w for w in last.replace("—", " ").split() if not w.isdigit() and w.upper() != "CEDEX" and not w.startswith("CS")]
    return words[-1] if words else "Lille"


def build_landlord_letter(database: Database, actor: Actor, case_id: int,
                          target: str | os.PathLike | None = None, delay_days: int = DEFAULT_DELAY_DAYS) -> bytes:
    def compose(session: Session):
        case = find_case(session, case_id)
        if case.dwelling.landlord is None:
            raise ValidationError(f"Le logement du dossier {case.reference} n'a pas de bailleur renseigné : "
                                  "impossible de préparer le courrier.", field="landlord")
        return case.id, lambda: Composed(f"Courrier au bailleur — dossier {case.reference}",
                                         landlord_story(session, actor, case, delay_days), "case", case.id,
                                         {"reference": case.reference, "courrier": "bailleur"})

    return produce(database, actor, permission="case.read", document="courrier-bailleur", compose=compose, target=target)


def disorders_with_rules(session: Session, case: m.Case) -> list[list[str]]:
    rows = [["Désordre", "Localisation", "Règle concernée"]]
    for disorder in sorted(case.disorders, key=lambda d: (d.item.zone, d.item.position)):
        if disorder.state == "non_confirme":
            continue
        rules = [RULES.get(p.code, p.label) for p in disorder.item.procedures if p.code in RULES]
        name = disorder.item.label + (" (danger)" if disorder.item.is_danger else "")
        rows.append([name, label(ZONES, disorder.item.zone), "\n".join(dict.fromkeys(rules)) or "—"])
    return rows


def landlord_story(session: Session, actor: Actor, case: m.Case, delay_days: int) -> list:
    header = service_header(session)
    landlord = case.dwelling.landlord
    today = now().date()
    deadline = today + timedelta(days=delay_days)
    visits = [v for v in visits_of_case(session, case.id) if v.status == "realisee" and v.done_at]
    values = {
        "menage": case.household.display_name, "adresse": case.dwelling.full_address, "reference": case.reference,
        "date_limite": fr_date(deadline, "long"), "delai_jours": str(delay_days),
        "agent": case.agent.full_name if case.agent else "", "service": header.name,
        "telephone_service": header.phone,
        "date_visite": f" du {fr_date(visits[-1].done_at, 'long')}" if visits else "",
    }
    rows = disorders_with_rules(session, case)
    disorders = [table(rows, [CONTENT_WIDTH * 0.45, 30 * mm, CONTENT_WIDTH * 0.55 - 30 * mm]), spacer(3)] if len(rows) > 1 else \
        [para("Aucun désordre confirmé n'est enregistré à ce jour.", "letter")]
    recipient = [landlord.name, f"À l'attention de {landlord.contact_name}" if landlord.contact_name else "",
                 *landlord.address.split("\n"), landlord.commune.name if landlord.commune else ""]
    story = address_block(recipient, f"{_city(header)}, le {fr_date(today, 'long')}")
    story += render_template("courrier_bailleur.txt", values, {"[DÉSORDRES]": disorders})
    return story + signature(actor, case, header.name)


def build_household_letter(database: Database, actor: Actor, case_id: int,
                           target: str | os.PathLike | None = None) -> bytes:
    def compose(session: Session):
        case = find_case(session, case_id)
        return case.id, lambda: Composed(f"Courrier au ménage — dossier {case.reference}",
                                         household_story(session, actor, case), "case", case.id,
                                         {"reference": case.reference, "courrier": "menage"})

    return produce(database, actor, permission="case.read", document="courrier-menage", compose=compose, target=target)


def _bullets(items: list[str], empty: str) -> list:
    if not items:
        return [para(empty, "letter")]
    return [markup("• " + escape(item), "letter") for item in items]


def next_steps(session: Session, case: m.Case, today: date) -> list[str]:
    steps = []
    for visit in visits_of_case(session, case.id):
        if visit.status == "planifiee" and visit.scheduled_at and visit.scheduled_at.date() >= today:
            steps.append(f"Le {fr_date(visit.scheduled_at, 'long')} : {visit.type_label.lower()} chez vous.")
    relocation = session.scalar(select(m.Relocation).where(m.Relocation.case_id == case.id))
    if relocation is not None and relocation.status == "en_cours":
        steps.append("Votre demande de relogement continue : nous vous informerons de chaque proposition de logement.")
    if case.status == "clos":
        return ["Votre dossier est terminé. Vous pouvez nous recontacter si la situation change."]
    return steps


def household_story(session: Session, actor: Actor, case: m.Case) -> list:
    header = service_header(session)
    today = now().date()
    done = [f"Le {fr_date(e.occurred_at, 'long')} : {e.text}"
            for e in sorted(journal_entries(session, case, shareable_only=True), key=lambda e: e.occurred_at)]
    agent = case.agent
    contact = [f"{agent.full_name}, votre interlocuteur" + (f", au {agent.phone}" if agent.phone else "")] if agent else []
    contact.append(f"{header.name}" + (f", au {header.phone}" if header.phone else ""))
    if agent and agent.email:
        contact.append(f"par courriel : {agent.email}")
    values = {
        "menage": case.household.display_name, "adresse": case.dwelling.full_address, "reference": case.reference,
        "statut": STATUS_PLAIN.get(case.status, label(CASE_STATUSES, case.status)),
        "agent": agent.full_name if agent else "", "telephone": agent.phone if agent else "",
        "service": header.name, "telephone_service": header.phone, "date_ouverture": fr_date(case.opened_on, "long"),
    }
    blocks = {
        "[FAIT]": _bullets(done, "Nous avons bien enregistré votre demande."),
        "[A_VENIR]": _bullets(next_steps(session, case, today), "Nous vous recontacterons pour la prochaine étape."),
        "[CONTACT]": _bullets(contact, ""),
    }
    recipient = [case.household.display_name, case.dwelling.address_line,
                 f"{case.dwelling.postcode} {case.dwelling.commune.name}"]
    story = address_block(recipient, f"{_city(header)}, le {fr_date(today, 'long')}")
    story += render_template("courrier_menage.txt", values, blocks)
    return story + signature(actor, case, header.name)
