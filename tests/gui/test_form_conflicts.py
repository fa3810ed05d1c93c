"""The visit, referral and proposal forms: a colleague's save in between is told in French (who, when), the
agent chooses to reload or to keep what she typed, and nothing she typed is lost by the refusal."""
from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from core.auth import actor_for
from core.services import referrals, relocation, visits
from db import models as m
from gui.main_window import MainWindow


def answer_conflict(button_word: str, seen: dict) -> None:
    """Answer the conflict box that the next save opens: « Recharger » or « Garder »."""
    def click():
        box = QApplication.activeModalWidget()
        seen["title"], seen["text"] = box.windowTitle(), box.text()
        next(b for b in box.buttons() if button_word in b.text()).click()

    QTimer.singleShot(0, click)


def _window_and_colleague(qtbot, database):
    window = MainWindow(database)
    qtbot.addWidget(window)
    with database.session() as session:
        colleague = actor_for(session.scalars(select(m.User).where(m.User.role == "manager")
                                              .order_by(m.User.id)).first())
    return window, colleague


def test_a_visit_moved_meanwhile_is_told_and_reloading_shows_the_new_date(qtbot, demo_db):
    from gui.visit_dialogs import RescheduleVisitDialog

    window, colleague = _window_and_colleague(qtbot, demo_db)
    with demo_db.session() as session:
        visit_id = session.scalar(select(m.Visit.id).where(m.Visit.status == "planifiee").order_by(m.Visit.id))
    dialog = RescheduleVisitDialog(window, visit_id)
    qtbot.addWidget(dialog)
    moved = datetime(2027, 1, 12, 14, 30)
    visits.reschedule_visit(demo_db, colleague, visit_id, moved, "demande du ménage")  # another seat
    dialog.form.set_value("scheduled_at", datetime(2027, 1, 20, 9, 0))
    dialog.form.set_value("reason", "absent")
    seen = {}
    answer_conflict("Recharger", seen)
    dialog.submit()
    assert dialog.result_changes is None and "la visite a été modifiée entre-temps par" in seen["text"]
    assert colleague.full_name in seen["text"]
    assert dialog.form.value("scheduled_at") == moved and "rechargée" in dialog.form.top_error.text()
    dialog.submit()  # from the version just reloaded: accepted
    assert dialog.result_changes is not None


def test_a_referral_answered_meanwhile_keeps_the_answer_typed(qtbot, demo_db):
    from gui.case_file.case_dialogs import ReferralAnswerDialog

    window, colleague = _window_and_colleague(qtbot, demo_db)
    with demo_db.session() as session:
        referral = session.scalars(select(m.Referral).where(m.Referral.status == "nouvelle")
                                   .order_by(m.Referral.id)).first()
        case_id, referral_id = referral.case_id, referral.id
    window.open_case(case_id)
    dialog = ReferralAnswerDialog(window.case_page, referral_id)
    qtbot.addWidget(dialog)
    referrals.record_referral_answer(demo_db, colleague, referral_id, "Visite SCHS prévue", status="en_cours")
    dialog.form.set_value("answer", "Le SCHS refuse d'intervenir")
    seen = {}
    answer_conflict("Garder", seen)
    dialog.submit()
    assert dialog.result_changes is None and "la saisine a été modifiée entre-temps" in seen["text"]
    assert dialog.form.value("answer") == "Le SCHS refuse d'intervenir"
    assert "Rechargez-la" in dialog.form.top_error.text()
    with demo_db.session() as session:
        assert session.get(m.Referral, referral_id).answer == "Visite SCHS prévue"


def test_a_household_decision_recorded_meanwhile_is_not_overwritten(qtbot, demo_db):
    from gui.relocation_dialogs import CalDecisionDialog

    window, colleague = _window_and_colleague(qtbot, demo_db)
    with demo_db.session() as session:
        proposal = session.scalars(select(m.Proposal).join(m.Relocation).where(
            m.Relocation.status == "en_cours").order_by(m.Proposal.id)).first()
        case_id, proposal_id = proposal.relocation.case_id, proposal.id
    dialog = CalDecisionDialog(window, case_id, proposal_id)
    qtbot.addWidget(dialog)
    relocation.record_household_decision(demo_db, colleague, proposal_id, "refusee", "trop loin de l'école")
    dialog.form.set_value("cal_date", date.today())
    dialog.form.set_value("cal_decision", "refus")
    seen = {}
    answer_conflict("Garder", seen)
    dialog.submit()
    assert dialog.result_changes is None and "la proposition a été modifiée entre-temps" in seen["text"]
    assert dialog.form.value("cal_decision") == "refus"  # what was chosen stays
    with demo_db.session() as session:
        assert session.get(m.Proposal, proposal_id).cal_decision != "refus"
    answer_conflict("Recharger", seen)
    dialog.submit()  # still refused: the agent reloads knowingly
    dialog.submit()
    assert dialog.result_changes is not None
    with demo_db.session() as session:
        assert session.get(m.Proposal, proposal_id).cal_decision == "refus"


def test_a_conclusion_written_while_a_colleague_recorded_the_visit_keeps_its_text(qtbot, demo_db):
    from datetime import timedelta

    from gui.visit_dialogs import ConcludeVisitDialog

    window, colleague = _window_and_colleague(qtbot, demo_db)
    with demo_db.session() as session:
        case_id = session.scalar(select(m.Case.id).where(m.Case.status != "clos").order_by(m.Case.id))
    when = datetime.now().replace(second=0, microsecond=0) - timedelta(hours=3)
    visit_id = visits.schedule_visit(demo_db, colleague, [case_id], "constat", when).result
    dialog = ConcludeVisitDialog(window, visit_id)
    qtbot.addWidget(dialog)
    visits.record_visit_done(demo_db, colleague, visit_id, when + timedelta(hours=1))  # another seat, meanwhile
    dialog.next_steps.setPlainText("Courrier au bailleur sous huit jours.")
    seen = {}
    answer_conflict("Garder", seen)
    dialog.submit()
    assert dialog.result() != dialog.DialogCode.Accepted and "la visite a été modifiée entre-temps" in seen["text"]
    assert dialog.next_steps.toPlainText() == "Courrier au bailleur sous huit jours."
    assert "Rechargez-la" in dialog.error.text()
    answer_conflict("Recharger", seen)
    dialog.submit()
    assert "Visite rechargée" in dialog.error.text()
    assert dialog.next_steps.toPlainText() == "Courrier au bailleur sous huit jours."  # the agent's own work
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error.text()
    with demo_db.session() as session:
        assert session.get(m.Visit, visit_id).next_steps == "Courrier au bailleur sous huit jours."
