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
from reportlab.platypus import KeepTogether
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import ValidationError
from core.formatting import fr_date
from core.pdf.common import CONTENT_WIDTH, markup, para, spacer, table
from core.pdf.letter_page import LetterHead
from core.pdf.documents import Composed, find_case, produce
from core.pdf.fiche import journal_entries
from core.queries.case_tabs import visits_of_case
from core.pdf.service import service_header
from db import models as m
from db.base import now
from db.engine import Database
from db.vocab import ZONES, label

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


def place_and_date(place_date: str) -> list:
    return [markup(escape(place_date), "signature"), spacer(4)]


def default_title(role: str, civility: str) -> str:
    """The title a letter prints under the signer's name when the account has none."""
    if role == "agent":
        return "Agente de proximité" if civility == "Mme" else "Agent de proximité"
    if role == "manager":
        return "Responsable de la médiation habitat"
    return ""


def signer_of(session: Session, actor: Actor, case: m.Case) -> m.User | None:
    """The case's agent signs; without one, the person printing the letter."""
    if case.agent is not None:
        return case.agent
    return session.get(m.User, actor.user_id) if actor.user_id else None


def signature(actor: Actor, signer: m.User | None, service_name: str) -> list:
    """Name and title of the signer; without a person (command line, no agent), the service signs."""
    if signer is None:
        lines = [f"<b>{escape(service_name)}</b>"]
    else:
        title = signer.job_title or default_title(signer.role, signer.civility)
        lines = [f"<b>{escape(signer.full_name)}</b>"] + ([escape(title)] if title else []) + [escape(service_name)]
    return [spacer(8), KeepTogether([markup("<br/>".join(lines), "signature")])]


def household_postal_lines(case: m.Case) -> list[str]:
    """The household's address as La Poste reads it (NF Z 10-011): name, door, building, street, « 59000 LILLE »."""
    household, dwelling = case.household, case.dwelling
    name = f"{household.first_name} {household.last_name.upper()}".strip()
    door = ", ".join(part for part in (f"Étage {dwelling.floor}" if dwelling.floor else "",
                                       f"Porte {dwelling.door}" if dwelling.door else "") if part)
    building = f"Bâtiment {dwelling.building}" if dwelling.building else ""
    street = f"{dwelling.street_number} {dwelling.street}".strip()
    city = dwelling.commune.name.upper() if dwelling.commune else ""
    return [name, door, building, street, f"{dwelling.postcode} {city}".strip()]


def landlord_postal_lines(landlord: m.Partner) -> list[str]:
    lines = landlord.postal_lines
    if not lines or not landlord.postcode:
        raise ValidationError(f"Le bailleur « {landlord.name} » n'a pas d'adresse postale complète (rue, code postal, "
                              "ville) : complétez-la dans Référentiels › Partenaires avant d'envoyer le courrier.",
                              field="landlord")
    attention = f"À l'attention de {landlord.contact_name}" if landlord.contact_name else ""
    return [landlord.name, attention, *lines]


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
        landlord_postal_lines(case.dwelling.landlord)  # refused before anything is built
        return case.id, lambda: Composed(f"Courrier au bailleur — dossier {case.reference}",
                                         landlord_story(session, actor, case, delay_days), "case", case.id,
                                         {"reference": case.reference, "courrier": "bailleur"}, outgoing=True)

    return produce(database, actor, permission="case.read", document="courrier-bailleur", compose=compose, target=target)


def disorders_with_rules(session: Session, case: m.Case) -> list[list[str]]:
    rows = [["Désordre", "Localisation", "Règle concernée"]]
    for disorder in sorted(case.disorders, key=lambda d: (d.item.zone, d.item.position)):
        if disorder.state == "non_confirme":
            continue
        rules = [RULES.get(p.code, p.label) for p in disorder.item.procedures if p.code in RULES]
        name = escape(disorder.item.label) + ("<br/><b>Danger pour les occupants</b>" if disorder.item.is_danger else "")
        rows.append([markup(name, "cell"), label(ZONES, disorder.item.zone), "\n".join(dict.fromkeys(rules)) or "—"])
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
    story = [LetterHead(header, landlord_postal_lines(landlord))]
    story += place_and_date(f"{_city(header)}, le {fr_date(today, 'long')}")
    story += render_template("courrier_bailleur.txt", values, {"[DÉSORDRES]": disorders})
    return story + signature(actor, signer_of(session, actor, case), header.name)


def build_household_letter(database: Database, actor: Actor, case_id: int,
                           target: str | os.PathLike | None = None) -> bytes:
    def compose(session: Session):
        case = find_case(session, case_id)
        return case.id, lambda: Composed(f"Courrier au ménage — dossier {case.reference}",
                                         household_story(session, actor, case), "case", case.id,
                                         {"reference": case.reference, "courrier": "menage"}, outgoing=True)

    return produce(database, actor, permission="case.read", document="courrier-menage", compose=compose, target=target)


def _bullets(items: list[str], empty: str) -> list:
    if not items:
        return [para(empty, "letter")]
    return [markup("• " + escape(item), "letter") for item in items]


CALL_BACK_DAYS = 30


def status_sentence(session: Session, case: m.Case) -> str:
    """Where the case stands, as one plain sentence (never « Votre dossier est : enregistré »)."""
    if case.status == "nouveau":
        return "Nous avons bien reçu votre demande. Nous allons l'étudier et vous contacter."
    if case.status == "en_attente":
        waiting = session.scalars(select(m.Referral).where(m.Referral.case_id == case.id,
                                                           m.Referral.status.in_(("nouvelle", "en_cours")))
                                  .order_by(m.Referral.sent_on.desc())).first()
        who = f"de {waiting.partner.name}" if waiting is not None and waiting.partner else "d'un partenaire"
        return f"Nous attendons la réponse {who}. Nous vous tiendrons au courant dès que nous l'aurons."
    if case.status == "clos":
        when = f" le {fr_date(case.closed_on, 'long')}" if case.closed_on else ""
        return f"Nous avons terminé le suivi de votre dossier{when}."
    return "Nous continuons à nous occuper de votre dossier."


def next_steps(session: Session, case: m.Case, today: date) -> list[str]:
    """What happens next and when; without a planned date, when we will call back."""
    if case.status == "clos":
        return ["Si la situation change ou si un problème revient, appelez-nous : nous rouvrirons votre dossier."]
    steps = []
    for visit in visits_of_case(session, case.id):
        if visit.status == "planifiee" and visit.scheduled_at and visit.scheduled_at.date() >= today:
            steps.append(f"Le {fr_date(visit.scheduled_at, 'long')} à {visit.scheduled_at:%H} h {visit.scheduled_at:%M}, "
                         f"nous venons chez vous ({visit.type_label.lower()}).")
    relocation = session.scalar(select(m.Relocation).where(m.Relocation.case_id == case.id))
    if relocation is not None and relocation.status == "en_cours":
        steps.append("Votre demande de relogement continue. Nous vous informerons de chaque proposition de logement.")
    if not steps:
        steps.append(f"Nous vous appellerons avant le {fr_date(today + timedelta(days=CALL_BACK_DAYS), 'long')} "
                     "pour faire le point.")
    return steps


def interlocutor(user: m.User) -> str:
    """« votre interlocutrice » for a woman, « votre interlocuteur » for a man, « votre contact » otherwise."""
    return {"Mme": "votre interlocutrice", "M.": "votre interlocuteur"}.get(user.civility, "votre contact")


def contact_lines(agent: m.User | None, header) -> list[str]:
    lines = []
    if agent is not None:
        phone = agent.phone or header.phone
        lines.append(f"{agent.full_name}, {interlocutor(agent)}" + (f" : {phone}" if phone else "") + ".")
        if agent.email:
            lines.append(f"Par courriel : {agent.email}.")
    elif header.phone:
        lines.append(f"{header.name} : {header.phone}.")
    if header.hours:
        lines.append(f"Vous pouvez appeler {header.hours}.")
    return lines


def household_story(session: Session, actor: Actor, case: m.Case) -> list:
    header = service_header(session)
    today = now().date()
    done = [f"Le {fr_date(e.occurred_at, 'long')} : {e.text}"
            for e in sorted(journal_entries(session, case, shareable_only=True), key=lambda e: e.occurred_at)]
    values = {
        "menage": case.household.display_name, "adresse": case.dwelling.full_address, "reference": case.reference,
        "statut": status_sentence(session, case), "service": header.name, "telephone_service": header.phone,
        "date_ouverture": fr_date(case.opened_on, "long"),
    }
    blocks = {
        "[FAIT]": _bullets(done, "Nous avons enregistré votre demande."),
        "[A_VENIR]": _bullets(next_steps(session, case, today), ""),
        "[CONTACT]": _bullets(contact_lines(case.agent, header), ""),
    }
    story = [LetterHead(header, household_postal_lines(case))]
    story += place_and_date(f"{_city(header)}, le {fr_date(today, 'long')}")
    story += render_template("courrier_menage.txt", values, blocks)
    return story + signature(actor, signer_of(session, actor, case), header.name)
