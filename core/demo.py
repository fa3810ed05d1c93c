"""A realistic, deterministic, entirely fictional demo dataset.

Rows are written in bulk (Core inserts over explicit ids), chunk by chunk, so
100,000 cases fit in memory and in under two minutes. The same seed and the
same `today` give the same database.
"""
from __future__ import annotations

import hashlib
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import func, literal_column, select

from core import demo_names as names
from core.formatting import fr_date
from core.progress import Progress
from db.vocab import COMMISSION_KINDS
from db import models as m
from db.engine import Database
from db.errors import DatabaseError
from db.search import reindex_cases
from db.sequences import sync_sequences

CHUNK = 500  # also the step of the progress shown
STEP = "Dossiers de démonstration"
RECENT_STATUS_WEIGHTS = {"nouveau": 40, "en_cours": 45, "en_attente": 10, "clos": 5}
PRIORITY_WEIGHTS = {"basse": 15, "normale": 55, "haute": 22, "urgente": 8}
TENURE_WEIGHTS = {"locataire_social": 55, "locataire_prive": 30, "proprietaire_occupant": 8, "heberge": 5, "sans_titre": 2}
DPE_WEIGHTS = {"A": 1, "B": 3, "C": 10, "D": 25, "E": 25, "F": 20, "G": 16}
KIND_OBJECTIVES = {
    "habitat_indigne": ["O3"], "relogement": ["O2", "O1"], "mediation": ["O3", "O6"],
    "precarite_energetique": ["O4", "O7"], "accompagnement": ["O2", "O3"],
}
WORK_HOURS = (9, 10, 11, 14, 15, 16)
PHOTO_LIMIT = 150  # photos in the whole demo: enough to see them, cheap at 100,000 cases
AREA_BY_TYPOLOGY = {"T1": (14, 32), "T2": (30, 50), "T3": (45, 70), "T4": (60, 88), "T5": (75, 105), "T6+": (90, 140)}


@dataclass
class Profile:
    """What the texts of a case must agree with (core.demo_names conditions)."""

    adults: int
    children: int
    young_child: bool
    senior: bool
    tenure: str = ""
    typology: str = ""
    commune: str = ""

    def fits(self, condition: str) -> bool:
        persons = self.adults + self.children
        return {
            "any": True, "children": self.children > 0, "young_child": self.young_child,
            "tenant": self.tenure.startswith("locataire"), "social": self.tenure == "locataire_social",
            "private": self.tenure == "locataire_prive",
            "senior_alone": self.senior and self.adults == 1 and self.children == 0,
            "senior_couple": self.senior and self.adults == 2 and self.children == 0,
            "senior_tenant": self.senior and self.tenure.startswith("locataire"),
            "crowded": persons >= 5 and self.typology in ("T1", "T2", "T3"),
            "single_parent": self.adults == 1 and self.children > 0,
        }[condition]


@dataclass
class DemoReport:
    cases: int = 0
    rows: dict = field(default_factory=lambda: defaultdict(int))


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class DemoBuilder:
    def __init__(self, database: Database, seed: int, today: date):
        self.db = database
        self.rng = random.Random(seed)
        self.today = today
        self.report = DemoReport()
        self.ids = defaultdict(int)
        self.rows: dict[type, list[dict]] = defaultdict(list)
        self.ref_counter: dict[int, int] = defaultdict(int)
        self.photos = 0

    # -- helpers ---------------------------------------------------------
    def next_id(self, model) -> int:
        self.ids[model] += 1
        return self.ids[model]

    def add(self, model, **values) -> int:
        if "id" in model.__table__.c and "id" not in values:
            values["id"] = self.next_id(model)
        if "uuid" in model.__table__.c:
            stamp = values.pop("_stamp", datetime.combine(self.today, time(9)))
            values.setdefault("uuid", str(uuid.UUID(int=self.rng.getrandbits(128), version=4)))
            values.setdefault("created_at", stamp)
            values.setdefault("updated_at", stamp)
            values.setdefault("version", 1)
        self.rows[model].append(values)
        return values.get("id")

    def flush(self, session) -> None:
        for model in INSERT_ORDER:
            rows = self.rows.pop(model, None)
            if rows:
                session.connection().execute(model.__table__.insert(), complete_rows(model, rows))
                self.report.rows[model.__tablename__] += len(rows)

    def when(self, day: date, hour: int | None = None) -> datetime:
        """A moment of a working day, in office hours (9-12 h, 14-17 h)."""
        hour = hour if hour is not None else self.rng.choice(WORK_HOURS)
        return datetime.combine(self.working_day(day), time(hour, self.rng.choice((0, 15, 30, 45))))

    def working_day(self, day: date) -> date:
        """The day itself, or the next Monday for a weekend (the Friday before when Monday is after today)."""
        if day.weekday() < 5:
            return day
        monday = day + timedelta(days=7 - day.weekday())
        return monday if monday <= self.today or day > self.today else day - timedelta(days=day.weekday() - 4)

    def day_between(self, start: date, end: date) -> date:
        span = max((end - start).days, 0)
        return start + timedelta(days=self.rng.randint(0, span))

    # -- static context --------------------------------------------------
    def load_context(self, session) -> None:
        for model in (m.User, m.Partner, m.Household, m.Dwelling, m.Case, m.Visit, m.Referral, m.Relocation,
                      m.Proposal, m.Commission, m.CommissionItem, m.Task, m.JournalEntry, m.CaseDisorder,
                      m.VisitProcedure, m.CommonAreaFinding, m.Attachment):
            self.ids[model] = session.scalar(select(func.coalesce(func.max(model.id), 0)))
        year_of = func.substr(m.Case.reference, literal_column("1"), literal_column("4"))
        for year, last in session.execute(select(year_of, func.max(m.Case.reference)).group_by(year_of)):
            self.ref_counter[int(year)] = int(last[5:])
        self.neighbourhoods = session.execute(
            select(m.Neighbourhood.id, m.Neighbourhood.is_qpv, m.Commune.id, m.Commune.name, m.Commune.postcode)
            .join(m.Commune)
            .order_by(m.Neighbourhood.id)
        ).all()
        self.items = session.execute(select(m.DisorderItem.id, m.DisorderItem.zone).order_by(m.DisorderItem.id)).all()
        self.item_procedures = defaultdict(list)
        # Every list drawn from in a stated order: the same seed gives the same demo on SQLite and PostgreSQL.
        for item_id, code in session.execute(select(m.DisorderItemProcedure.item_id, m.DisorderItemProcedure.procedure_code)
                                             .order_by(m.DisorderItemProcedure.item_id,
                                                       m.DisorderItemProcedure.procedure_code)):
            self.item_procedures[item_id].append(code)
        self.objectives = dict(session.execute(select(m.Objective.code, m.Objective.id)).all())
        self.sources = list(session.scalars(select(m.CaseSource.code).order_by(m.CaseSource.position)))
        self.closure_reasons = list(session.scalars(select(m.ClosureReason.code).order_by(m.ClosureReason.code)))
        self.relocation_reasons = list(session.scalars(select(m.RelocationReason.code)
                                                       .order_by(m.RelocationReason.code)))

    def make_people(self, session) -> None:
        existing_users = session.scalar(select(func.count(m.User.id)))
        if existing_users == 0:
            self._make_users()
        existing_partners = session.scalar(select(func.count(m.Partner.id)))
        if existing_partners == 0:
            self._make_partners()
        self.flush(session)
        self.agents = session.execute(select(m.User.id).where(m.User.role == "agent").order_by(m.User.id)).scalars().all()
        self.managers = session.scalars(select(m.User.id).where(m.User.role == "manager").order_by(m.User.id)).all()
        self.agent_sectors = defaultdict(list)
        for user_id, nb_id in session.execute(select(m.UserSector.user_id, m.UserSector.neighbourhood_id)):
            self.agent_sectors[nb_id].append(user_id)
        self.social_landlords = session.scalars(
            select(m.Partner.id).where(m.Partner.partner_type == "bailleur_social").order_by(m.Partner.id)).all()
        self.private_owners = session.scalars(
            select(m.Partner.id).where(m.Partner.partner_type == "proprietaire_prive").order_by(m.Partner.id)).all()
        self.partners = session.scalars(
            select(m.Partner.id).where(m.Partner.partner_type.not_in(["bailleur_social", "proprietaire_prive"]))
            .order_by(m.Partner.id)).all()

    def _make_users(self) -> None:
        self.add(m.User, login="admin", full_name="Administration Médiation Habitat", role="admin")
        for login, name, civility, title in names.MANAGERS:
            self.add(m.User, login=login, full_name=name, role="manager", civility=civility, job_title=title,
                     phone=fiction_phone(self.rng, fixed=True))
        for index, (name, civility) in enumerate(names.AGENTS):
            login = names_ascii(name.split()[0])
            user_id = self.add(m.User, login=login, full_name=name, role="agent", civility=civility,
                               job_title="Agente de proximité" if civility == "Mme" else "Agent de proximité",
                               phone=fiction_phone(self.rng), email=f"{login}@mediation-habitat.example")
            for nb in self.neighbourhoods[index::len(names.AGENTS)]:
                self.rows[m.UserSector].append({"user_id": user_id, "neighbourhood_id": nb[0]})

    def _postal(self, commune: str | None = None) -> dict:
        """A fictional street address in a commune of the metropolis, with its postcode."""
        communes = {row[3]: row[4] for row in self.neighbourhoods}
        commune = commune if commune in communes else self.rng.choice(sorted(communes))
        street = self.rng.choice(names.STREETS.get(commune, ["rue de la République"]))
        return {"address": f"{self.rng.randint(1, 180)} {street}", "postcode": communes[commune], "city": commune}

    def _make_partners(self) -> None:
        for name, commune in names.SOCIAL_LANDLORDS:
            civility = self.rng.choice(("M.", "Mme"))
            contact = f"{civility} {self.rng.choice(names.FIRST_NAMES_BY_CIVILITY[civility])} " \
                      f"{self.rng.choice(names.OWNER_LAST_NAMES)}, gestion locative"
            self.add(m.Partner, name=name, partner_type="bailleur_social", phone=fiction_phone(self.rng, fixed=True),
                     contact_name=contact,
                     email="contact@" + names_ascii(name.replace(" ", "-")) + ".example", **self._postal(commune))
        for _index in range(120):
            civility = self.rng.choice(("M.", "Mme"))
            first = self.rng.choice(names.FIRST_NAMES_BY_CIVILITY[civility])
            # Surnames of their own: a landlord must not read as one of the households.
            self.add(m.Partner, name=f"{civility} {first} {self.rng.choice(names.OWNER_LAST_NAMES)}",
                     partner_type="proprietaire_prive", phone=fiction_phone(self.rng), **self._postal())
        for partner_type, name, commune in names.PARTNERS:
            self.add(m.Partner, name=name, partner_type=partner_type, phone=fiction_phone(self.rng, fixed=True),
                     **self._postal(commune))

    # -- one case --------------------------------------------------------
    def make_case(self) -> None:
        rng = self.rng
        nb_id, is_qpv, commune_id, commune_name, postcode = rng.choice(self.neighbourhoods)
        opened = self.working_day(self.today - timedelta(days=int(rng.triangular(0, 3 * 365, 60))))
        household_id, profile = self._make_household(opened)
        dwelling_id = self._make_dwelling(nb_id, commune_id, commune_name, postcode, profile, opened)
        profile.commune = commune_name
        status = pick(rng, status_weights((self.today - opened).days))
        kinds = rng.sample(list(KIND_OBJECTIVES), k=rng.choice((1, 1, 1, 2)))
        agents = self.agent_sectors.get(nb_id) or self.agents
        agent_id = rng.choice(agents) if agents and rng.random() < 0.95 else None
        closed = None
        if status == "clos":
            closed = self.day_between(opened + timedelta(days=10), self.today) if (self.today - opened).days > 10 else self.today
        self.ref_counter[opened.year] += 1
        reference = f"{opened.year}-{self.ref_counter[opened.year]:05d}"
        case_id = self.add(
            m.Case, reference=reference, household_id=household_id, dwelling_id=dwelling_id,
            source=rng.choice(self.sources), agent_id=agent_id, status=status,
            priority=pick(rng, PRIORITY_WEIGHTS), opened_on=opened, closed_on=closed,
            closure_reason=rng.choice(self.closure_reasons) if closed else None,
            summary=self.text(names.SUMMARIES, profile), criticality=0, last_activity_at=self.when(opened),
            _stamp=self.when(opened),
        )
        for kind in kinds:
            self.rows[m.CaseKindLink].append({"case_id": case_id, "kind_code": kind})
        objective_codes = sorted({code for kind in kinds for code in KIND_OBJECTIVES[kind][: rng.choice((1, 2))]})
        if is_qpv and rng.random() < 0.2:
            objective_codes = sorted(set(objective_codes) | {"O5"})
        for code in objective_codes:
            self.rows[m.CaseObjective].append({"case_id": case_id, "objective_id": self.objectives[code]})
        end = closed or self.today
        last = self._make_case_life(case_id, opened, end, status, agent_id, kinds, is_qpv, profile)
        self.rows[m.Case][-1]["last_activity_at"] = last
        self.report.cases += 1

    def text(self, choices, profile: Profile) -> str:
        """A text of the list whose condition the household fits, with its typology and commune filled in."""
        fitting = [text for text, condition, *_rest in choices if profile.fits(condition)]
        return self.rng.choice(fitting).format(typology=profile.typology, commune=profile.commune)

    def _make_household(self, opened: date) -> tuple[int, Profile]:
        rng = self.rng
        adults = rng.choices((1, 2, 3), weights=(40, 50, 10))[0]
        children = rng.choices(range(7), weights=(30, 20, 20, 15, 8, 4, 3))[0]
        young = children > 0 and rng.random() < 0.45
        senior = children == 0 and adults <= 2 and rng.random() < 0.25
        first = rng.choice(names.FIRST_NAMES)
        household_id = self.add(
            m.Household, last_name=rng.choice(names.LAST_NAMES), first_name=first,
            phone=fiction_phone(rng, fixed=rng.random() < 0.15),
            email="" if rng.random() < 0.6 else f"{names_ascii(first)}.{rng.randint(1, 999)}@exemple.fr",
            adults=adults, children=children, has_child_under_6=young,
            has_person_over_75=senior, has_disability=rng.random() < (0.2 if senior else 0.05),
            is_isolated=adults == 1 and children == 0 and rng.random() < (0.6 if senior else 0.2),
            has_pregnancy=not senior and rng.random() < 0.03,
            caf_allocataire=rng.random() < 0.7,
            preferred_language=rng.choices(("français", "arabe", "anglais", "turc", "portugais"), weights=(80, 10, 4, 3, 3))[0],
            _stamp=self.when(opened),
        )
        return household_id, Profile(adults, children, young, senior)

    def _make_dwelling(self, nb_id, commune_id, commune_name, postcode, profile: Profile, opened) -> int:
        rng = self.rng
        tenure = pick(rng, TENURE_WEIGHTS)
        typology = rng.choices(list(AREA_BY_TYPOLOGY), weights=(10, 25, 30, 22, 10, 3))[0]
        profile.tenure, profile.typology = tenure, typology
        low, high = AREA_BY_TYPOLOGY[typology]
        rooms = {"T1": 1, "T2": 2, "T3": 3, "T4": 4, "T5": 5, "T6+": 6}[typology]
        dpe = pick(rng, DPE_WEIGHTS) if rng.random() < 0.8 else None
        landlord = None
        if tenure == "locataire_social":
            landlord = rng.choice(self.social_landlords)
        elif tenure == "locataire_prive":
            landlord = rng.choice(self.private_owners)
        area = round(rng.uniform(low, high), 1) if rng.random() < 0.9 else None
        main_room = round(rng.uniform(7.5, 25), 1) if rng.random() < 0.6 else None
        if area is not None and main_room is not None:
            main_room = min(main_room, round(area * 0.6, 1))  # the main room is part of the living area
        return self.add(
            m.Dwelling, street_number=str(rng.randint(1, 250)),
            street=rng.choice(names.STREETS.get(commune_name, ["rue de la République"])),
            building=rng.choice(("", "", "A", "B", "C", "Les Tilleuls", "Résidence du Parc")),
            floor=rng.choice(("", "RDC", "1", "2", "3", "4", "5", "8")), door=rng.choice(("", "", str(rng.randint(1, 60)))),
            postcode=postcode, commune_id=commune_id, neighbourhood_id=nb_id, tenure=tenure, landlord_id=landlord,
            social_financing=rng.choice(("PLAI", "PLUS", "PLUS", "PLS", "PLI")) if tenure == "locataire_social" else None,
            typology=typology, living_area_m2=area, main_rooms=rooms, main_room_area_m2=main_room,
            ceiling_height_m=rng.choice((2.1, 2.3, 2.5, 2.5, 2.6, 2.8)) if rng.random() < 0.5 else None,
            dpe_class=dpe, dpe_date=self.day_between(date(2019, 1, 1), opened) if dpe else None,
            energy_kwh_m2_year=_energy_for(dpe, rng) if dpe else None, _stamp=self.when(opened),
        )

    def _make_case_life(self, case_id, opened, end, status, agent_id, kinds, is_qpv, profile: Profile) -> datetime:
        rng = self.rng
        activity = [self.when(opened)]
        self._journal(case_id, opened, "note", "Ouverture du dossier : " + self.rows[m.Case][-1]["summary"], agent_id,
                      False)
        disorder_rows = self._make_disorders(case_id, opened)
        visit_count = rng.choices(range(7), weights=(5, 15, 25, 25, 15, 10, 5))[0]
        day = opened
        for index in range(visit_count):
            day = day + timedelta(days=rng.randint(5, 60))
            done = day <= end and (status != "nouveau")
            visit_type = "constat" if index == 0 else rng.choice(("controle_travaux", "accompagnement"))
            visit_status = "realisee" if done else ("planifiee" if day > self.today else "conclusion_a_renseigner")
            if done and rng.random() < 0.06:
                visit_status = rng.choice(("annulee", "non_realisee"))
            if status == "clos" and visit_status in ("planifiee", "conclusion_a_renseigner"):
                visit_status = "annulee"
            visit_id = self.add(
                m.Visit, visit_type=visit_type, status=visit_status, scheduled_at=self.when(day),
                done_at=self.when(day) if visit_status == "realisee" else None,
                occupant_present=True if visit_status == "realisee" else None,
                landlord_present=rng.random() < 0.3 if visit_status == "realisee" else None,
                observations="Constat réalisé en présence de l'occupant." if visit_status == "realisee" else "",
                next_steps="Courrier au bailleur et visite de contrôle." if visit_status == "realisee" else "",
                _stamp=self.when(day),
            )
            self.rows[m.VisitCase].append({"visit_id": visit_id, "case_id": case_id})
            if agent_id:
                self.rows[m.VisitAgent].append({"visit_id": visit_id, "user_id": agent_id})
            if visit_status == "realisee":
                activity.append(self.when(day))
                text = "Visite de constat réalisée au domicile." if index == 0 else (
                    "Visite de contrôle après travaux réalisée." if visit_type == "controle_travaux"
                    else "Visite d'accompagnement réalisée au domicile.")
                self._journal(case_id, day, "visite", text, agent_id, True)
                if index == 0:
                    self._conclude(visit_id, case_id, disorder_rows)
                    self._maybe_photo(case_id, visit_id, day, agent_id)
        for _ in range(rng.choices((0, 1, 2), weights=(50, 38, 12))[0]):
            sent = self.day_between(opened, end)
            activity.append(self.when(sent))
            self._make_referral(case_id, sent, end, agent_id)
        if "relogement" in kinds:
            activity.extend(self._make_relocation(case_id, opened, end, status, agent_id, is_qpv))
        fitting = [(text, shareable) for text, condition, shareable in names.NOTES if profile.fits(condition)]
        for _ in range(rng.randint(3, 10)):
            day = self.day_between(opened, end)
            activity.append(self.when(day))
            text, shareable = rng.choice(fitting)
            self._journal(case_id, day, rng.choice(("note", "note", "appel", "courrier")),
                          text.format(commune=profile.commune), agent_id, shareable)
        if status == "clos":
            self._journal(case_id, end, "statut", "Dossier clos.", agent_id, True)
            activity.append(self.when(end))
        elif rng.random() < 0.4:
            title = rng.choice(names.TASKS)
            # A commission is prepared by a manager: the team's queue is not only the agents'.
            assignee = rng.choice(self.managers) if title in names.MANAGER_TASKS and self.managers else agent_id
            self.add(m.Task, case_id=case_id, assignee_id=assignee, title=title,
                     due_on=self.working_day(self.today + timedelta(days=rng.randint(-20, 30))), created_by_id=agent_id)
        return max(activity)

    def _maybe_photo(self, case_id, visit_id, day, agent_id) -> None:
        """A few visits carry a photo (small generated JPEGs: the demo stays light at 100,000 cases)."""
        if self.photos >= PHOTO_LIMIT or self.rng.random() > 0.12:
            return
        self.photos += 1
        index = self.photos % len(names.PHOTO_CAPTIONS)
        content = demo_photo(index)
        self.add(m.Attachment, case_id=case_id, visit_id=visit_id, filename=f"photo_visite_{visit_id}.jpg",
                 mime_type="image/jpeg", size_bytes=len(content), sha256=hashlib.sha256(content).hexdigest(),
                 taken_at=self.when(day), caption=names.PHOTO_CAPTIONS[index], added_by_id=agent_id, content=content,
                 _stamp=self.when(day))

    def _make_disorders(self, case_id, opened) -> list[dict]:
        rows = []
        for item_id, _zone in self.rng.sample(self.items, k=self.rng.choices(range(7), weights=(10, 15, 20, 20, 15, 12, 8))[0]):
            self.add(m.CaseDisorder, case_id=case_id, item_id=item_id, state="signale", reported_on=opened,
                     _stamp=self.when(opened))
            rows.append(self.rows[m.CaseDisorder][-1])
        return rows

    def _conclude(self, visit_id, case_id, disorder_rows) -> None:
        procedures = set()
        for row in disorder_rows:
            confirmed = self.rng.random() < 0.75
            row["state"] = "confirme" if confirmed else "non_confirme"
            row["visit_id"] = visit_id
            if confirmed:
                procedures.update(self.item_procedures[row["item_id"]][:1])
        if not procedures:
            procedures = {"logement_decent"}
        for code in sorted(procedures):
            self.add(m.VisitProcedure, visit_id=visit_id, case_id=case_id, procedure_code=code)

    def _make_referral(self, case_id, sent, end, agent_id) -> None:
        rng = self.rng
        expected = sent + timedelta(days=rng.choice((15, 30, 45, 60)))
        answered = expected - timedelta(days=rng.randint(-20, 14)) if rng.random() < 0.6 else None
        if answered and answered > self.today:
            answered = None
        if answered and answered < sent:
            answered = sent
        status = "close" if answered else rng.choice(("nouvelle", "en_cours"))
        partner = rng.choice(self.partners + self.social_landlords)
        self.add(m.Referral, case_id=case_id, partner_id=partner,
                 subject=rng.choice(("Demande de travaux", "Signalement pour enquête", "Demande d'aide financière",
                                     "Demande d'accompagnement social", "Demande de relogement")),
                 sent_on=sent, expected_answer_on=expected, status=status,
                 answer="Réponse reçue, intervention programmée." if answered else "", answered_on=answered,
                 _stamp=self.when(sent))
        self._journal(case_id, sent, "saisine", "Saisine envoyée au partenaire.", agent_id, False)

    def _make_relocation(self, case_id, opened, end, status, agent_id, is_qpv) -> list[datetime]:
        rng = self.rng
        filed = opened - timedelta(days=rng.randint(0, 700))
        outcome = "en_cours"
        if status == "clos":
            outcome = "reloge" if rng.random() < 0.75 else "abandon"
        relocation_id = self.add(
            m.Relocation, case_id=case_id, reason=rng.choice(self.relocation_reasons), opened_on=opened, status=outcome,
            sne_number=f"059{rng.randint(10**9, 10**10 - 1)}", sne_filed_on=filed,
            dalo_recognized_on=filed + timedelta(days=rng.randint(90, 300)) if rng.random() < 0.15 else None,
            syplo_labelled=rng.random() < 0.25, needed_typology=rng.choice(("T2", "T3", "T4", "T5")),
            max_rent=float(rng.randrange(350, 750, 10)), wished_communes=rng.choice(("Lille, Lomme", "Roubaix", "Toutes communes", "Villeneuve-d'Ascq")),
            needs_accessibility=rng.random() < 0.1,
            rehoused_on=end if outcome == "reloge" else None,
            new_address="12 rue des Acacias, 59000 Lille" if outcome == "reloge" else "",
            new_in_qpv=(rng.random() < 0.45) if outcome == "reloge" else None,
            new_is_recent=(rng.random() < 0.3) if outcome == "reloge" else None,
            charge_before=float(rng.randrange(150, 450, 5)) if outcome == "reloge" else None,
            charge_after=float(rng.randrange(100, 400, 5)) if outcome == "reloge" else None,
            abandon_reason="Le ménage a quitté la métropole." if outcome == "abandon" else "",
            _stamp=self.when(opened),
        )
        dates = []
        count = rng.choices((0, 1, 2, 3), weights=(30, 40, 20, 10))[0]
        if outcome == "reloge":
            count = max(count, 1)
        day = opened
        for index in range(count):
            day = min(day + timedelta(days=rng.randint(20, 120)), end)
            last = index == count - 1
            accepted = outcome == "reloge" and last
            decision = "acceptee" if accepted else ("refusee" if not last or outcome != "en_cours" else rng.choice(("en_attente", "refusee")))
            cal = day + timedelta(days=rng.randint(0, 30))
            landlord_id = rng.choice(self.social_landlords)
            typology = rng.choice(("T2", "T3", "T4"))
            city = rng.choice(("Lille", "Roubaix", "Tourcoing", "Wattrelos"))
            rng.choice(("T2", "T3", "T4"))  # drawn as before, so a seed still gives the same demo
            self.add(m.Proposal, relocation_id=relocation_id, proposed_on=day, landlord_id=landlord_id,
                     dwelling_description=f"{typology} – {city}", typology=typology, in_qpv=rng.random() < 0.5,
                     rent=float(rng.randrange(300, 700, 5)), charges=float(rng.randrange(40, 150, 5)),
                     cal_date=cal if cal <= self.today else None,
                     cal_decision=("attribution" if accepted else rng.choice(("attribution", "refus", "attribution_rang"))) if cal <= self.today else None,
                     household_decision=decision,
                     refusal_reason="Logement trop éloigné de l'école." if decision == "refusee" else "",
                     _stamp=self.when(day))
            dates.append(self.when(day))
        self._journal(case_id, opened, "relogement", "Ouverture du suivi de relogement.", agent_id, True)
        return dates

    def _journal(self, case_id, day, kind, text, author, shareable) -> None:
        self.add(m.JournalEntry, case_id=case_id, occurred_at=self.when(day), kind=kind, text=text,
                 author_id=author, shareable=shareable, _stamp=self.when(day))

    # -- collective events -----------------------------------------------
    def make_walks_and_commissions(self, session, case_ids: list[int]) -> None:
        rng = self.rng
        if not case_ids:
            return
        # A range, not IN (…): PostgreSQL takes at most 65,535 parameters, and 100,000 cases are made at once.
        wanted = set(case_ids)
        open_cases = session.execute(
            select(m.Case.id, m.Dwelling.neighbourhood_id).join(m.Dwelling)
            .where(m.Case.id.between(min(wanted), max(wanted)), m.Case.status != "clos")
        ).all()
        by_nb = defaultdict(list)
        for case_id, nb_id in open_cases:
            if case_id in wanted:
                by_nb[nb_id].append(case_id)
        months = 18
        qpv = [row for row in self.neighbourhoods if row[1]]
        for month in range(months):
            day = self.today - timedelta(days=30 * month + rng.randint(0, 20))
            nb = rng.choice(qpv)
            visit_id = self.add(m.Visit, visit_type="diagnostic_marchant", status="realisee", scheduled_at=self.when(day, 14),
                                done_at=self.when(day, 14), neighbourhood_id=nb[0],
                                observations="Diagnostic en marchant avec les habitants et le bailleur.",
                                next_steps="Remontée des constats à la cellule cadre de vie.", _stamp=self.when(day))
            for case_id in rng.sample(by_nb[nb[0]], k=min(3, len(by_nb[nb[0]]))):
                self.rows[m.VisitCase].append({"visit_id": visit_id, "case_id": case_id})
            for agent in rng.sample(self.agents, k=min(2, len(self.agents))):
                self.rows[m.VisitAgent].append({"visit_id": visit_id, "user_id": agent})
            for item_id, zone in rng.sample([i for i in self.items if i[1] == "batiment"], k=3):
                self.add(m.CommonAreaFinding, visit_id=visit_id, item_id=item_id, location="Hall et cage d'escalier",
                         description="Constat partagé lors du diagnostic.", severity=rng.randint(1, 3))
            commission_day = self.today - timedelta(days=30 * month + 10)
            commission_day -= timedelta(days=(commission_day.weekday() - 1) % 7)  # held on Tuesdays
            kind = ("relogement", "veille_habitat_indigne", "preparation_cal")[month % 3]
            commission_id = self.add(m.Commission, kind=kind, held_on=commission_day,
                                     title=f"{COMMISSION_KINDS[kind]} du {fr_date(commission_day, 'long')}",
                                     place=rng.choice(("Maison du projet de Lille-Sud", "Antenne de quartier de Roubaix",
                                                       "Hôtel de Métropole, salle 3")),
                                     participants="MEL, bailleurs sociaux, CCAS, SCHS, CAF du Nord",
                                     _stamp=self.when(commission_day))
            for position, (case_id, _nb) in enumerate(rng.sample(open_cases, k=min(6, len(open_cases))), start=1):
                self.add(m.CommissionItem, commission_id=commission_id, case_id=case_id, position=position,
                         decision="" if commission_day > self.today else rng.choice(names.COMMISSION_DECISIONS))
        self.flush(session)


@lru_cache(maxsize=8)
def demo_photo(index: int) -> bytes:
    """A small JPEG standing for a visit photo: a wall whose stain grows with index (Pillow, deterministic)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 360), (226, 220, 205))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 300, 480, 360), fill=(150, 120, 90))
    for ring in range(6):
        size = 40 + 18 * ring + 10 * index
        shade = 60 + 20 * ring
        draw.ellipse((200 - size, 120 - size // 2, 200 + size, 120 + size // 2), outline=(shade, shade + 10, shade - 20),
                     width=6)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=60)
    return buffer.getvalue()


def status_weights(age_days: int) -> dict[str, int]:
    """Older cases are mostly closed: an agent's backlog holds the recent ones and a few long ones."""
    if age_days <= 90:
        return RECENT_STATUS_WEIGHTS
    if age_days <= 365:
        return {"en_cours": 45, "en_attente": 15, "clos": 40}
    return {"en_cours": 12, "en_attente": 5, "clos": 83}


def complete_rows(model, rows: list[dict]) -> list[dict]:
    """Give every row every column (scalar defaults filled in) so one executemany inserts them all."""
    defaults = {}
    for column in model.__table__.c:
        default = column.default
        defaults[column.key] = default.arg if default is not None and default.is_scalar else None
    return [{**defaults, **row} for row in rows]


def fiction_phone(rng: random.Random, fixed: bool = False) -> str:
    """A number from the ranges ARCEP reserves for fiction: 01 99 00 xx xx (fixed), 06 39 98 xx xx (mobile)."""
    prefix = "01 99 00" if fixed else "06 39 98"
    return f"{prefix} {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"


def names_ascii(value: str) -> str:
    from db.search import fold

    return "".join(ch for ch in fold(value) if ch.isalnum())


def _energy_for(dpe: str, rng: random.Random) -> float:
    bounds = {"A": (40, 70), "B": (70, 110), "C": (110, 180), "D": (180, 250), "E": (250, 330), "F": (330, 420), "G": (420, 600)}
    low, high = bounds[dpe]
    return float(rng.randint(low, high))


INSERT_ORDER = [
    m.User, m.UserSector, m.Partner, m.Household, m.Dwelling, m.Case, m.CaseKindLink, m.CaseObjective,
    m.Visit, m.VisitCase, m.VisitAgent, m.CaseDisorder, m.VisitProcedure, m.CommonAreaFinding, m.Attachment, m.Referral,
    m.Relocation, m.Proposal, m.Commission, m.CommissionItem, m.Task, m.JournalEntry,
]


DEMO_MARKER = "demo_database"


def default_demo_path():
    """The demo never goes into the real default database unless asked with --db."""
    from db.engine import data_dir

    path = data_dir() / "demo.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def refuse_real_database(database: Database) -> None:
    """Fictional cases must never be mixed with a service's real cases."""
    with database.session() as session:
        has_cases = session.scalar(select(func.count(m.Case.id))) > 0
        marked = session.get(m.Setting, DEMO_MARKER) is not None
    if has_cases and not marked:
        raise DatabaseError(
            f"La base « {database.describe()} » contient déjà des dossiers réels : les données de démonstration "
            "n'y seront pas ajoutées. Choisissez un autre fichier avec --db."
        )


def build_demo(database: Database, cases: int = 2000, seed: int = 1, today: date | None = None,
               progress: Progress | None = None) -> DemoReport:
    """Add `cases` demo cases (with everything around them) to a migrated database, in one transaction:
    a cancel (`progress.cancel()`) or a failure leaves the base as it was."""
    progress = progress or Progress()
    builder = DemoBuilder(database, seed, today or date.today())
    with database.write() as session:
        session.merge(m.Setting(key=DEMO_MARKER, value="1"))
        builder.load_context(session)
        builder.make_people(session)
        first_case = builder.ids[m.Case] + 1
        done = 0
        progress.update(0, cases, STEP)
        while done < cases:
            batch = min(CHUNK, cases - done)
            for _ in range(batch):
                builder.make_case()
            builder.flush(session)
            done += batch
            progress.update(done, cases, STEP)
        new_ids = list(range(first_case, builder.ids[m.Case] + 1))
        builder.make_walks_and_commissions(session, new_ids)
        sync_sequences(session)
        after_demo(session, new_ids)
        progress.check()
    return builder.report


def after_demo(session, case_ids: list[int]) -> None:
    """Derived data for freshly inserted cases: search index and scores."""
    from core.scoring import raise_all_priorities_for_flags, recompute_criticality

    reindex_cases(session, None)
    recompute_criticality(session, None)  # grouped SQL sums and one executemany: fast at 100,000 cases
    raise_all_priorities_for_flags(session)  # a danger, overcrowding or a young child: « haute » at least
