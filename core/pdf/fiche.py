"""Fiche de suivi of a case: household, dwelling, legal checks, disorders, visits,
referrals, relocation, journal and next échéances."""
from __future__ import annotations

import os

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from core import fields as declared
from core.actor import Actor
from core.fields import FICHE, Field, shown
from core.formatting import fr_count, fr_date, fr_datetime, fr_money, fr_number, yes_no
from core.pdf.common import CONTENT_WIDTH, fields, para, spacer, table
from core.pdf.documents import Composed, find_case, produce
from core.queries.case_tabs import visits_of_case
from core.rules.relocation import sne_renewal
from core.rules import dwelling_checks
from core.scoring import case_criticality
from db import models as m
from db.base import now
from db.engine import Database
from db.vocab import (
    CAL_DECISIONS, CASE_STATUSES, DISORDER_STATES, HOUSEHOLD_DECISIONS, JOURNAL_KINDS, PRIORITIES,
    REFERRAL_STATUSES, RELOCATION_STATUSES, VISIT_STATUSES, ZONES, label,
)
from reportlab.lib.units import mm

W = CONTENT_WIDTH


def build_fiche(database: Database, actor: Actor, case_id: int, target: str | os.PathLike | None = None) -> bytes:
    def compose(session: Session):
        case = find_case(session, case_id)
        return case.id, lambda: Composed(f"Fiche de suivi — dossier {case.reference}", fiche_story(session, case),
                                         "case", case.id, {"reference": case.reference})

    return produce(database, actor, permission="case.read", document="fiche", compose=compose, target=target)


def fiche_story(session: Session, case: m.Case) -> list:
    story = [
        para(f"Fiche de suivi — dossier {case.reference}", "title"),
        para(f"{case.household.display_name} · {case.dwelling.full_address}", "subtitle"),
        fields([
            ("Statut", label(CASE_STATUSES, case.status)), ("Priorité", label(PRIORITIES, case.priority)),
            ("Ouvert le", fr_date(case.opened_on, "long")), ("Clos le", fr_date(case.closed_on, "long")),
            ("Agent référent", case.agent.full_name if case.agent else "non attribué"),
            ("Criticité", f"{fr_number(case.criticality)} / 100"),
            ("Types de dossier", ", ".join(k.label for k in case.kinds)),
            (declared.BY_KEY["source"].label, _source_label(session, case.source)),
            ("Objectifs", ", ".join(f"{o.code} {o.label}" for o in case.objectives)),
            ("Dernière activité", fr_datetime(case.last_activity_at)),
        ] + ([("Réf. plateforme", case.external_reference)] if case.external_reference else [])
          + declared_lines(declared.CASE, case, {"Dossier": None})),
    ]
    if case.summary:
        story += [spacer(2), para(case.summary)]
    story += platform_section(session, case)
    story += household_section(case.household)
    story += dwelling_section(case)
    story += disorders_section(case)
    story += visits_section(session, case)
    story += referrals_section(session, case)
    story += relocation_section(session, case)
    story += journal_section(session, case, shareable_only=False)
    story += tasks_section(session, case)
    return story


def platform_section(session: Session, case: m.Case) -> list:
    """What the national platform said about an imported report, in its own words."""
    record = session.get(m.ExternalRecord, case.id) if case.external_reference else None
    if record is None:
        return []
    closure = " — ".join(filter(None, (record.platform_closure_reason, record.platform_closure_comment)))
    return [para("Plateforme Signal Logement", "h2"), fields([
        ("Référence", case.external_reference), ("Statut", record.platform_status),
        ("Mise à jour", fr_date(record.platform_updated_at)), ("Clôture", closure),
        ("Autres désordres", record.unmatched_disorders.replace("\n", " ; ")),
        ("Dernière visite", record.last_visit),
    ])]


def _source_label(session: Session, code: str) -> str:
    source = session.get(m.CaseSource, code)
    return source.label if source else code


def declared_lines(fields_: tuple[Field, ...], row, groups: dict) -> list[tuple[str, object]]:
    """The fiche's lines for declared fields (core.fields): its own line for each, in declaration order, or
    one combined line per fiche_group, rendered by `groups` (None: printed elsewhere on the fiche)."""
    lines, grouped = [], set()
    for field in fields_:
        if FICHE not in field.prints_on:
            continue
        if not field.fiche_group:
            lines.append((field.label, _value(row, field)))
        elif field.fiche_group not in grouped:
            grouped.add(field.fiche_group)
            render = groups[field.fiche_group]  # a group nobody renders fails here, not silently
            if render is not None:
                lines.append((field.fiche_group, render()))
    return lines


def _value(row, field: Field) -> str:
    if field.kind == "reference":  # landlord_id -> its partner's name
        related = getattr(row, field.key.removesuffix("_id"))
        return "" if related is None else getattr(related, "name", None) or getattr(related, "full_name", "")
    return shown(field, getattr(row, field.key))


def _lowered(text: str) -> str:
    return text[:1].lower() + text[1:]


def household_section(h: m.Household) -> list:
    vulnerabilities = [_lowered(f.label) for f in declared.HOUSEHOLD
                       if f.fiche_group == "Vulnérabilités" and getattr(h, f.key)]
    return [para("Ménage", "h1"), fields(declared_lines(declared.HOUSEHOLD, h, {
        "Personne de référence": lambda: h.display_name,
        "Composition": lambda: f"{fr_count(h.adults, 'adulte')}, {fr_count(h.children, 'enfant')}",
        "Vulnérabilités": lambda: ", ".join(vulnerabilities) or "aucune signalée",
    }))]


def dwelling_section(case: m.Case) -> list:
    d, h = case.dwelling, case.household
    neighbourhood = d.neighbourhood
    quarter = f"{neighbourhood.name}{' (QPV)' if neighbourhood.is_qpv else ''}" if neighbourhood else "hors quartier suivi"
    dpe = f"{d.dpe_class} ({fr_date(d.dpe_date)})" if d.dpe_class else "non renseigné"
    persons = h.adults + h.children
    return [para("Logement", "h1"), fields(declared_lines(declared.DWELLING, d, {
        "Adresse": lambda: d.full_address, "Quartier": lambda: quarter, "DPE": lambda: dpe,
    })), para("Contrôles réglementaires", "h2"), table(
        [["Contrôle", "Résultat", "Constat"]]
        + [[c.title, c.verdict_label, c.message] for c in dwelling_checks(d, persons, now().date())],
        [38 * mm, 28 * mm, W - 66 * mm])]


def disorders_section(case: m.Case) -> list:
    rows = [["Zone", "Thème", "Désordre", "Poids", "État", "Signalé le"]]
    for d in sorted(case.disorders, key=lambda x: (x.item.zone, x.item.position)):
        name = d.item.label + (" — DANGER" if d.item.is_danger else "") + (f"\n{d.comment}" if d.comment else "")
        rows.append([label(ZONES, d.item.zone).split(" ")[0], d.item.theme, name, d.item.weight,
                     label(DISORDER_STATES, d.state), fr_date(d.reported_on)])
    criticality = case_criticality(object_session(case), case.id)
    section = [para("Désordres", "h1"), para(f"{criticality.explanation} {fr_count(len(case.disorders), 'désordre')} au total.")]
    if criticality.procedures:
        section.append(para("Procédures suggérées : " + " ; ".join(
            f"{p.label} ({', '.join(p.because_of[:3])})" for p in criticality.procedures)))
    if len(rows) == 1:
        return section + [para("Aucun désordre signalé.", "muted")]
    return section + [table(rows, [20 * mm, 32 * mm, W - 115 * mm, 12 * mm, 25 * mm, 26 * mm])]


def visits_section(session: Session, case: m.Case) -> list:
    visits = visits_of_case(session, case.id)  # the same list as the case file's Visites tab
    rows = [["N°", "Date", "Type", "Statut", "Agents", "Conclusion"]]
    for v in visits:
        rows.append([v.id, fr_date(v.when), v.type_label, label(VISIT_STATUSES, v.status), ", ".join(v.agents),
                     ", ".join(v.conclusions)])
    if not visits:
        return [para("Visites", "h1"), para("Aucune visite.", "muted")]
    return [para("Visites", "h1"), table(rows, [12 * mm, 20 * mm, 38 * mm, 28 * mm, 35 * mm, W - 133 * mm])]


def referrals_section(session: Session, case: m.Case) -> list:
    referrals = session.scalars(select(m.Referral).where(m.Referral.case_id == case.id).order_by(m.Referral.sent_on)).all()
    if not referrals:
        return [para("Saisines", "h1"), para("Aucune saisine.", "muted")]
    rows = [["Partenaire", "Objet", "Envoyée le", "Réponse attendue", "Statut", "Réponse"]]
    for r in referrals:
        answer = f"{fr_date(r.answered_on)} : {r.answer}" if r.answered_on else r.answer
        rows.append([r.partner.name, r.subject, fr_date(r.sent_on), fr_date(r.expected_answer_on),
                     label(REFERRAL_STATUSES, r.status), answer])
    return [para("Saisines", "h1"), table(rows, [35 * mm, 32 * mm, 20 * mm, 20 * mm, 18 * mm, W - 125 * mm])]


def relocation_section(session: Session, case: m.Case) -> list:
    r = session.scalar(select(m.Relocation).where(m.Relocation.case_id == case.id))
    if r is None:
        return []
    reason = session.get(m.RelocationReason, r.reason)
    outcome = label(RELOCATION_STATUSES, r.status)
    if r.status == "reloge":
        place = "hors QPV" if r.new_in_qpv is False else ("en QPV" if r.new_in_qpv else "")
        outcome = f"Relogé le {fr_date(r.rehoused_on)} : {r.new_address} {place}".strip()
    elif r.status == "abandon":
        outcome = f"Abandon : {r.abandon_reason}"
    section = [para("Suivi de relogement", "h1"), fields([
        ("Motif", reason.label if reason else r.reason), ("Ouvert le", fr_date(r.opened_on)),
        ("N° unique SNE", r.sne_number), ("Déposé le", fr_date(r.sne_filed_on)),
        ("À renouveler avant le", fr_date(sne_renewal(r.sne_filed_on, now().date())) if r.status == "en_cours" else ""),
        ("DALO reconnu le", fr_date(r.dalo_recognized_on)), ("Labellisé SYPLO", yes_no(r.syplo_labelled)),
        ("Typologie", r.needed_typology or ""), ("Loyer maximum", fr_money(r.max_rent)),
        ("Communes souhaitées", r.wished_communes), ("Accessibilité", yes_no(r.needs_accessibility)),
        ("Situation", outcome),
        ("Reste à charge", f"{fr_money(r.charge_before)} → {fr_money(r.charge_after)}" if r.charge_before else ""),
    ])]
    if r.proposals:
        rows = [["Date", "Bailleur", "Logement", "Loyer + charges", "CAL", "Décision du ménage"]]
        for p in r.proposals:
            cal = f"{fr_date(p.cal_date)} {label(CAL_DECISIONS, p.cal_decision)}".strip()
            decision = label(HOUSEHOLD_DECISIONS, p.household_decision)
            if p.refusal_reason:
                decision += f" : {p.refusal_reason}"
            rows.append([fr_date(p.proposed_on), p.landlord.name if p.landlord else "", p.dwelling_description,
                         f"{fr_money(p.rent)} + {fr_money(p.charges)}", cal, decision])
        section += [para("Propositions", "h2"), table(rows, [20 * mm, 35 * mm, 30 * mm, 32 * mm, 30 * mm, W - 147 * mm])]
    return section


def journal_entries(session: Session, case: m.Case, shareable_only: bool) -> list[m.JournalEntry]:
    statement = select(m.JournalEntry).where(m.JournalEntry.case_id == case.id)
    if shareable_only:
        statement = statement.where(m.JournalEntry.shareable.is_(True))
    return list(session.scalars(statement.order_by(m.JournalEntry.occurred_at.desc(), m.JournalEntry.id.desc())))


def journal_section(session: Session, case: m.Case, shareable_only: bool) -> list:
    entries = journal_entries(session, case, shareable_only)
    if not entries:
        return [para("Journal", "h1"), para("Journal vide.", "muted")]
    rows = [["Date", "Type", "Auteur", "Texte", "Partageable"]]
    for e in entries:
        rows.append([fr_date(e.occurred_at), label(JOURNAL_KINDS, e.kind), e.author.full_name if e.author else "",
                     e.text, yes_no(e.shareable)])
    return [para("Journal", "h1"), table(rows, [20 * mm, 24 * mm, 32 * mm, W - 101 * mm, 25 * mm])]


def open_tasks(session: Session, case: m.Case) -> list[m.Task]:
    return list(session.scalars(select(m.Task).where(m.Task.case_id == case.id, m.Task.done_on.is_(None))
                                .order_by(m.Task.due_on)))


def tasks_section(session: Session, case: m.Case) -> list:
    tasks = open_tasks(session, case)
    if not tasks:
        return [para("Prochaines échéances", "h1"), para("Aucune échéance en cours.", "muted")]
    today = now().date()
    rows = [["Échéance", "Objet", "Responsable", "État"]]
    for t in tasks:
        state = "en retard" if t.due_on < today else "à venir"
        rows.append([fr_date(t.due_on), t.title, t.assignee.full_name if t.assignee else "", state])
    return [para("Prochaines échéances", "h1"), table(rows, [24 * mm, W - 94 * mm, 45 * mm, 25 * mm])]
