"""An agent's day through the real widgets: create, tick, visit, relocate, close, find again."""
from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QDateTime, Qt
from sqlalchemy import select

from db import models as m
from gui.case_file.status_dialog import StatusDialog
from gui.main_window import MainWindow
from gui.new_case_dialog import NewCaseDialog
from tests.gui.typing import type_text


def make_window(qtbot, database) -> MainWindow:
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.show()
    return window


def choose(combo, data) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def fill_new_case(qtbot, dialog, last_name, first_name, street="rue de l'Épée", postcode="59000"):
    type_text(qtbot, dialog.household.fields["last_name"], last_name)
    type_text(qtbot, dialog.household.fields["first_name"], first_name)
    dialog.dwelling.fields["street_number"].setText("12")
    type_text(qtbot, dialog.dwelling.fields["street"], street)
    dialog.dwelling.fields["postcode"].setText(postcode)
    with dialog.database.session() as session:
        lille = session.scalar(select(m.Commune.id).where(m.Commune.name == "Lille"))
    choose(dialog.dwelling.fields["commune_id"], lille)


def test_create_case_with_accented_names_then_find_it_without_accents(qtbot, db):
    window = make_window(qtbot, db)
    dialog = NewCaseDialog(db, window.actor, window)
    qtbot.addWidget(dialog)
    fill_new_case(qtbot, dialog, "Lefèvre-Dûbois", "Hélène")
    dialog.submit()  # no duplicate in an empty database: created at once
    assert dialog.created_case_id is not None, dialog.error.text()
    with db.session() as session:
        case = session.get(m.Case, dialog.created_case_id)
        assert case.household.last_name == "Lefèvre-Dûbois"
        assert case.household.first_name == "Hélène"
        assert case.dwelling.street == "rue de l'Épée"
    window.open_case(dialog.created_case_id)
    assert "LEFÈVRE-DÛBOIS Hélène" in window.case_page.title.text()
    window.show_view("dossiers")
    window.case_list.status_combo.setCurrentIndex(1)
    qtbot.keyClicks(window.case_list.search_edit, "lefevre dubois helene")
    qtbot.waitUntil(lambda: window.case_list.model.rowCount() == 1, timeout=3000)
    assert window.case_list.model.row_at(0).household == "LEFÈVRE-DÛBOIS Hélène"


def test_new_case_warns_of_duplicates_by_name_ignoring_accents_and_case(qtbot, db):
    window = make_window(qtbot, db)
    first = NewCaseDialog(db, window.actor, window)
    qtbot.addWidget(first)
    fill_new_case(qtbot, first, "Lefèvre", "Zoé")
    first.submit()
    assert first.created_case_id is not None
    second = NewCaseDialog(db, window.actor, window)
    qtbot.addWidget(second)
    fill_new_case(qtbot, second, "LEFEVRE", "zoe", street="avenue du Peuple Belge", postcode="59800")
    second.submit()
    assert second.created_case_id is None
    assert second.duplicates_box.isVisibleTo(second)
    assert "même nom" in second.duplicates.item(0).text()
    assert second.ok.text() == "Créer quand même"
    second.submit()
    assert second.created_case_id not in (None, first.created_case_id)


def test_validation_error_shows_next_to_the_field(qtbot, db):
    window = make_window(qtbot, db)
    dialog = NewCaseDialog(db, window.actor, window)
    qtbot.addWidget(dialog)
    dialog.show()
    fill_new_case(qtbot, dialog, "Martin", "Léa", postcode="5900")
    dialog.submit()
    assert dialog.created_case_id is None
    error = dialog.dwelling.errors["postcode"]
    assert error.isVisible() and "code postal" in error.text().lower()


def open_case(qtbot, database, reference=None):
    window = make_window(qtbot, database)
    with database.session() as session:
        statement = select(m.Case.id).where(m.Case.status != "clos").order_by(m.Case.id)
        case_id = session.scalar(statement)
    window.open_case(case_id)
    return window, window.case_page


def test_ticking_disorders_changes_the_score_live_and_saves(qtbot, demo_db):
    window, page = open_case(qtbot, demo_db)
    tab = page.disorders
    page.tabs.setCurrentWidget(tab)
    before = tab.live_score()
    unticked = [row for row in tab.tree_items.values()
                if row.checkState(0) == Qt.Unchecked and row.flags() & Qt.ItemIsUserCheckable]
    heavy = max(unticked, key=lambda row: int(row.text(1)))
    heavy.setCheckState(0, Qt.Checked)
    assert tab.live_score() > before
    assert f"{tab.live_score()}/100" in tab.live.text()
    assert tab.is_dirty() and page.has_unsaved_changes()
    window.save_current()  # Ctrl+S
    assert not page.has_unsaved_changes()
    with demo_db.session() as session:
        stored = session.get(m.Case, page.case_id).criticality
    assert stored == tab.live_score()
    assert f"{stored}/100" in page.badges.text()


def test_leaving_with_unsaved_changes_asks_first(qtbot, demo_db, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    window, page = open_case(qtbot, demo_db)
    page.summary.household_form.fields["phone"].setText("03 20 11 22 33")
    page.summary.household_form.fields["phone"].textEdited.emit("03 20 11 22 33")
    assert page.has_unsaved_changes()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Cancel)
    assert not window.show_view("agenda")
    assert window.current_page() is page
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Save)
    assert window.show_view("agenda")
    with demo_db.session() as session:
        assert session.get(m.Case, page.case_id).household.phone == "03 20 11 22 33"


def test_schedule_and_conclude_a_visit(qtbot, demo_db):
    from gui.visit_dialogs import ConcludeVisitDialog, ScheduleVisitDialog

    window, page = open_case(qtbot, demo_db)
    schedule = ScheduleVisitDialog(window, case_id=page.case_id, parent=page)
    qtbot.addWidget(schedule)
    choose(schedule.form.fields["visit_type"], "constat")
    when = datetime.now().replace(second=0, microsecond=0) - timedelta(hours=2)
    schedule.form.fields["scheduled_at"].setDateTime(QDateTime(when))
    schedule.submit()
    assert schedule.result() == schedule.DialogCode.Accepted, schedule.form.top_error.text()
    visit_id = schedule.result_changes.result
    page.changed()
    assert any(row["_id"] == visit_id for row in page.visits.model.rows)

    conclude = ConcludeVisitDialog(window, visit_id, parent=page)
    qtbot.addWidget(conclude)
    combos = conclude.finding_combos[page.case_id]
    for combo in combos.values():  # one by one: each reported disorder confirmed
        choose(combo, "confirme")
    conclude.procedure_boxes[page.case_id]["non_decence"].setChecked(True)
    conclude.next_steps.setPlainText("Courrier au bailleur sous huit jours.")
    conclude.submit()
    assert conclude.result() == conclude.DialogCode.Accepted, conclude.error.text()
    with demo_db.session() as session:
        visit = session.get(m.Visit, visit_id)
        assert visit.status == "realisee"
        assert visit.next_steps == "Courrier au bailleur sous huit jours."
        assert [p.procedure_code for p in visit.procedures] == ["non_decence"]
        states = set(session.scalars(select(m.CaseDisorder.state).where(m.CaseDisorder.case_id == page.case_id,
                                                                        m.CaseDisorder.visit_id == visit_id)))
        assert states <= {"confirme"} and (states or not combos)


def test_conclusion_text_survives_as_a_draft(qtbot, demo_db):
    from gui.visit_dialogs import ConcludeVisitDialog

    window = make_window(qtbot, demo_db)
    with demo_db.session() as session:
        visit_id = session.scalar(select(m.Visit.id).where(m.Visit.status.in_(("planifiee", "conclusion_a_renseigner"))))
    first = ConcludeVisitDialog(window, visit_id)
    qtbot.addWidget(first)
    first.next_steps.setPlainText("Saisine du SCHS à prévoir")
    first.reject()  # closed (or crashed) before saving
    second = ConcludeVisitDialog(window, visit_id)
    qtbot.addWidget(second)
    assert second.next_steps.toPlainText() == "Saisine du SCHS à prévoir"


def test_add_a_proposal_and_the_decisions(qtbot, demo_db):
    from gui.relocation_dialogs import CalDecisionDialog, HouseholdDecisionDialog, ProposalDialog

    window = make_window(qtbot, demo_db)
    with demo_db.session() as session:
        relocation = session.scalars(select(m.Relocation).where(m.Relocation.status == "en_cours")).first()
        case_id, relocation_id = relocation.case_id, relocation.id
    window.open_case(case_id)
    page = window.case_page
    count = page.relocation.model.rowCount()
    proposal = ProposalDialog(window, case_id, relocation_id)
    qtbot.addWidget(proposal)
    proposal.form.fields["dwelling_description"].setText("T3 au 2e étage avec ascenseur, Villeneuve-d'Ascq")
    choose(proposal.form.fields["typology"], "T3")
    proposal.form.fields["rent"].setValue(412.5)
    proposal.submit()
    assert proposal.result_changes is not None, proposal.form.top_error.text()
    proposal_id = proposal.result_changes.result
    page.changed()
    assert page.relocation.model.rowCount() == count + 1

    cal = CalDecisionDialog(window, case_id, proposal_id)
    qtbot.addWidget(cal)
    choose(cal.form.fields["cal_decision"], "attribution")
    cal.submit()
    assert cal.result_changes is not None, cal.form.top_error.text()
    answer = HouseholdDecisionDialog(window, case_id, proposal_id)
    qtbot.addWidget(answer)
    choose(answer.form.fields["household_decision"], "acceptee")
    answer.submit()
    assert answer.result_changes is not None
    page.changed()
    row = next(r for r in page.relocation.model.rows if r["_id"] == proposal_id)
    assert (row["cal"], row["household"]) == ("Attribution", "Acceptée")


def test_close_a_case_with_a_reason(qtbot, demo_db):
    window, page = open_case(qtbot, demo_db)
    dialog = StatusDialog(page, page.case)
    qtbot.addWidget(dialog)
    choose(dialog.form.fields["status"], "clos")
    dialog.submit()  # no reason yet: refused, next to the field
    assert dialog.result_changes is None
    assert "motif" in dialog.form.errors["closure_reason"].text().lower()
    choose(dialog.form.fields["closure_reason"], "mise_en_conformite")
    dialog.submit()
    assert dialog.result_changes is not None
    page.changed()
    assert "Clos" in page.badges.text()
    with demo_db.session() as session:
        case = session.get(m.Case, page.case_id)
        assert (case.status, case.closure_reason) == ("clos", "mise_en_conformite")


def test_add_a_note_marked_shareable(qtbot, demo_db):
    window, page = open_case(qtbot, demo_db)
    page.add_note()
    type_text(qtbot, page.journal.note, "Appel du ménage : fuite réparée")
    page.journal.note_shareable.setChecked(True)
    page.journal.add_button.click()
    first = page.journal.model.rows[0]
    assert first["text"] == "Appel du ménage : fuite réparée" and first["shared"] == "oui"
    page.journal.shared_only.setChecked(True)
    assert all(row["_shared"] for row in page.journal.model.rows)


def test_collective_walk_records_common_area_findings(qtbot, demo_db):
    from gui.visit_dialogs import ConcludeVisitDialog, WalkDialog

    window = make_window(qtbot, demo_db)
    walk = WalkDialog(window)
    qtbot.addWidget(walk)
    with demo_db.session() as session:
        neighbourhood, first, second = session.execute(
            select(m.Dwelling.neighbourhood_id, m.Case.id).join(m.Case, m.Case.dwelling_id == m.Dwelling.id)
            .where(m.Case.status != "clos", m.Dwelling.neighbourhood_id.is_not(None)).limit(2)).all()[0][0], *[
            c for (c,) in session.execute(select(m.Case.id).where(m.Case.status != "clos").limit(2))]
    choose(walk.form.fields["neighbourhood_id"], neighbourhood)
    walk.form.fields["scheduled_at"].setDateTime(QDateTime(datetime.now() - timedelta(hours=1)))
    walk.picker.chosen = {first: "premier", second: "second"}
    walk.submit()
    assert walk.result_changes is not None, walk.form.top_error.text()
    visit_id = walk.result_changes.result

    conclude = ConcludeVisitDialog(window, visit_id)
    qtbot.addWidget(conclude)
    assert set(conclude.finding_combos) == {first, second}  # one block per case raised by the walk
    conclude._add_common_row()
    item, location, description, severity = conclude.common_rows[0]
    item.setCurrentIndex(1)
    location.setText("Hall B")
    description.setText("Boîtes aux lettres arrachées")
    conclude.submit()
    assert conclude.result() == conclude.DialogCode.Accepted, conclude.error.text()
    with demo_db.session() as session:
        findings = session.scalars(select(m.CommonAreaFinding).where(m.CommonAreaFinding.visit_id == visit_id)).all()
        assert [(f.location, f.description) for f in findings] == [("Hall B", "Boîtes aux lettres arrachées")]


def test_status_dialog_offers_only_the_workflow_moves(qtbot, demo_db):
    window, page = open_case(qtbot, demo_db)
    from core.services.status import allowed_transitions

    dialog = StatusDialog(page, page.case)
    qtbot.addWidget(dialog)
    combo = dialog.form.fields["status"]
    offered = [combo.itemData(i) for i in range(combo.count())]
    assert offered == allowed_transitions(page.case.status)
    assert page.case.status not in offered


def test_disorders_can_be_ticked_with_the_keyboard(qtbot, demo_db):
    window, page = open_case(qtbot, demo_db)
    tab = page.disorders
    page.tabs.setCurrentWidget(tab)
    row = next(r for r in tab.tree_items.values()
               if r.checkState(0) == Qt.Unchecked and r.flags() & Qt.ItemIsUserCheckable)
    row.parent().setExpanded(True)
    tab.tree.setFocus()
    tab.tree.setCurrentItem(row)
    before = tab.live_score()
    qtbot.keyClick(tab.tree, Qt.Key_Space)
    assert row.checkState(0) == Qt.Checked
    assert tab.live_score() >= before and tab.is_dirty()
    page.discard_changes()  # or closing the window would ask about the unsaved ticks


def _type_summary(page, text: str) -> None:
    field = page.summary.case_form.fields["summary"]
    field.setPlainText(text)


def test_the_summary_form_saves_everything_or_nothing_and_shows_each_error_by_its_field(qtbot, demo_db):
    window, page = open_case(qtbot, demo_db)
    forms = page.summary.forms()
    forms["household"].fields["email"].setText("pas-un-courriel")
    forms["household"].fields["email"].textEdited.emit("pas-un-courriel")
    _type_summary(page, "Résumé à garder")
    forms["dwelling"].fields["street"].setText("")
    forms["dwelling"].fields["street"].textEdited.emit("")
    assert page.summary.is_dirty()
    assert not page.summary.save()
    assert forms["household"].errors["email"].isVisibleTo(page) and forms["dwelling"].errors["street"].isVisibleTo(page)
    with demo_db.session() as session:
        assert session.get(m.Case, page.case_id).summary != "Résumé à garder"  # nothing half-saved
    page.summary.discard()


def test_a_colleague_s_save_in_between_is_told_and_what_was_typed_is_kept(qtbot, demo_db):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from core.services.cases import update_case

    window, page = open_case(qtbot, demo_db)
    _type_summary(page, "Ma synthèse de la visite")
    page.summary._changed()
    with demo_db.session() as session:  # a real change (the demo may already rank the case « haute »)
        current = session.get(m.Case, page.case_id).priority
    other = "urgente" if current != "urgente" else "normale"
    update_case(demo_db, window.actor, page.case_id, {"priority": other})  # another seat, meanwhile
    seen = {}

    def keep_my_typing():
        box = QApplication.activeModalWidget()
        seen["text"] = box.text()
        next(b for b in box.buttons() if "Garder" in b.text()).click()

    QTimer.singleShot(0, keep_my_typing)
    assert not page.summary.save()
    assert "modifié entre-temps" in seen["text"] and "priorité" in seen["text"]
    assert page.summary.case_form.fields["summary"].toPlainText() == "Ma synthèse de la visite"
    assert page.summary.is_dirty()
    page.summary.discard()
