"""Accessibility (RGAA / EN 301 549): every view, case-file tab and dialog, walked as a screen reader and a
keyboard user meet them (tests/gui/a11y_walk.py), and the palette's contrast ratios.
No known gap is allowed: a control without a name, a colour without words, a Tab trap or a form visited
out of reading order anywhere fails the test.
"""
from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from db import models as m
from gui import palette
from tests.gui.a11y_walk import problems

NAVIGATION_VIEWS = ("tableau-de-bord", "dossiers", "agenda", "relogement", "commissions", "echeances",
                    "referentiels")

def window_for(qtbot, database):
    from gui.main_window import MainWindow

    window = MainWindow(database)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    return window


def shown_view(window, key: str):
    window.show_view(key)
    page = window.current_page()
    if hasattr(page, "refresh_now"):
        page.refresh_now()
    elif hasattr(page, "load_now"):
        page.load_now()
    QApplication.processEvents()
    return page


def demo_ids(database) -> dict:
    with database.session() as s:
        case_id = s.scalar(select(m.Case.id).where(m.Case.reference == "2026-00042")) or s.scalar(
            select(m.Case.id).where(m.Case.status != "clos").order_by(m.Case.id))
        relocation = s.scalars(select(m.Relocation).where(m.Relocation.status == "en_cours")).first()
        proposal = s.scalars(select(m.Proposal)).first()
        visit = s.scalars(select(m.Visit).order_by(m.Visit.id)).first()
        referral = s.scalars(select(m.Referral)).first()
        commission = s.scalars(select(m.Commission)).first()
        return {"case": case_id, "relocation": (relocation.case_id, relocation.id),
                "proposal": (proposal.relocation.case_id, proposal.id), "visit": visit.id,
                "referral": (referral.case_id, referral.id), "commission": commission.id}


def dialogs(window, ids: dict):
    """(screen name, factory) of every dialog, built as the screenshots show them."""
    from gui import commission_dialogs as cd
    from gui import reference_dialogs as rd
    from gui import relocation_dialogs as reld
    from gui import visit_dialogs as vd
    from gui.admin_menu import ChangeOwnPasswordDialog
    from gui.audit_viewer import AuditViewer
    from gui.backup_dialog import BackupDialog
    from gui.case_file.case_dialogs import ReferralAnswerDialog, ReferralDialog, TaskDialog
    from gui.case_file.status_dialog import StatusDialog
    from gui.export_dialog import ExportDialog
    from gui.help_window import GuideWindow
    from gui.laptop_checkin import CheckinDialog
    from gui.laptop_checkout import CheckoutDialog
    from gui.laptop_conflicts import ConflictsDialog, EditValueDialog
    from core.laptop import ConflictView
    from gui.login_dialog import FirstAdministratorDialog, LoginDialog
    from gui.new_case_dialog import NewCaseDialog
    from gui.retention_dialog import RetentionDialog
    from gui.users_dialog import PasswordForm, UsersDialog

    db, actor = window.database, window.actor
    case_id, (rcase, relocation), (pcase, proposal) = ids["case"], ids["relocation"], ids["proposal"]
    page = window.case_page
    item = {"reference": "2026-00042", "household": "Ménage", "presentation": "Présentation du dossier",
            "decision": "à décider", "_commission_id": ids["commission"], "_case_id": case_id}
    return [
        ("Connexion", lambda: LoginDialog(db)),
        ("Premier démarrage", lambda: FirstAdministratorDialog(db)),
        ("Nouveau dossier", lambda: NewCaseDialog(db, actor, window)),
        ("Statut du dossier", lambda: StatusDialog(page, page.case)),
        ("Saisine", lambda: ReferralDialog(page)),
        ("Réponse à une saisine", lambda: ReferralAnswerDialog(page, ids["referral"][1])),
        ("Échéance", lambda: TaskDialog(page)),
        ("Planifier une visite", lambda: vd.ScheduleVisitDialog(window, case_id=case_id)),
        ("Diagnostic en marchant", lambda: vd.WalkDialog(window)),
        ("Reprogrammer une visite", lambda: vd.RescheduleVisitDialog(window, ids["visit"])),
        ("Conclure une visite", lambda: vd.ConcludeVisitDialog(window, ids["visit"])),
        ("Ouvrir un relogement", lambda: reld.OpenRelocationDialog(window, case_id)),
        ("Besoins du ménage", lambda: reld.NeedsDialog(window, rcase, relocation)),
        ("Proposition", lambda: reld.ProposalDialog(window, rcase, relocation)),
        ("Décision CAL", lambda: reld.CalDecisionDialog(window, pcase, proposal)),
        ("Décision du ménage", lambda: reld.HouseholdDecisionDialog(window, pcase, proposal)),
        ("Issue du relogement", lambda: reld.OutcomeDialog(window, rcase, relocation)),
        ("Nouvelle commission", lambda: cd.CommissionDialog(window)),
        ("Ajouter des dossiers", lambda: cd.AddCasesDialog(window, ids["commission"])),
        ("Décision de commission", lambda: cd.DecisionDialog(window, item)),
        ("Exporter la liste", lambda: ExportDialog(window, [case_id])),
        ("Objectif", lambda: rd.ObjectiveDialog(window)),
        ("Piste d'action", lambda: rd.LineOfActionDialog(window, None)),
        ("Désordre de la grille", lambda: rd.DisorderItemDialog(window)),
        ("Partenaire", lambda: rd.PartnerDialog(window)),
        ("Quartier", lambda: rd.NeighbourhoodDialog(window)),
        ("Commune", lambda: rd.CommuneDialog(window)),
        ("Secteurs d'un agent", lambda: rd.AgentSectorsDialog(window, actor.user_id)),
        ("Comptes utilisateurs", lambda: UsersDialog(db, actor, window)),
        ("Nouveau compte", lambda: PasswordForm(window, "Nouveau compte", with_identity=True)),
        ("Changer mon mot de passe", lambda: ChangeOwnPasswordDialog(window)),
        ("Journal d'audit", lambda: AuditViewer(db, actor, window)),
        ("Conservation des données", lambda: RetentionDialog(db, actor, window)),
        ("Sauvegardes", lambda: BackupDialog(db, actor, window)),
        ("Emporter des dossiers", lambda: CheckoutDialog(window)),
        ("Rapporter un portable", lambda: CheckinDialog(window)),
        ("Conflits à arbitrer", lambda: ConflictsDialog(window)),
        ("Valeur d'un conflit", lambda: EditValueDialog(ConflictView(
            1, "2026-00042", "Dossier", "Statut", "status", "nouveau", "en_cours", "en_attente", "Cheffe", None,
            "Agent", None), window)),
        ("Valeur d'un conflit (texte)", lambda: EditValueDialog(ConflictView(
            1, "2026-00042", "Dossier", "Résumé", "summary", "", "appel", "visite", "Cheffe", None, "Agent", None),
            window)),
        ("Guide de l'utilisateur", lambda: GuideWindow(window)),
    ]


def walk_everything(qtbot, database) -> tuple[set[str], dict[str, tuple[int, int]]]:
    """Problems found on every screen, and (interactive, named) controls per screen."""
    window = window_for(qtbot, database)
    found: set[str] = set()
    counts: dict[str, tuple[int, int]] = {}

    def walk(root, screen):
        problems_here, total, named = problems(root, screen)
        found.update(problems_here)
        counts[screen] = (total, named)

    for key in NAVIGATION_VIEWS:
        page = shown_view(window, key)
        tabs = getattr(page, "tabs", None)
        for index in range(tabs.count() if tabs is not None else 1):
            if tabs is not None:
                tabs.setCurrentIndex(index)
                QApplication.processEvents()
            walk(page, f"vue {key}" + (f" › {tabs.tabText(index).replace('&', '')}" if tabs is not None else ""))
    walk(window.navigation, "navigation")
    ids = demo_ids(database)
    window.open_case(ids["case"])
    case_page = window.case_page
    for index in range(case_page.tabs.count()):
        case_page.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        walk(case_page, f"fiche › {case_page.tabs.tabText(index).replace('&', '')}")
    for screen, factory in dialogs(window, ids):
        dialog = factory()
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda d=dialog: not getattr(d, "loading", False), timeout=5000)
        walk(dialog, f"dialogue {screen}")
        dialog.close()
    return found, counts


def test_every_control_is_named_marked_in_words_and_left_by_tab(qtbot, demo_db):
    found, counts = walk_everything(qtbot, demo_db)
    if os.environ.get("A11Y_REPORT"):  # the figures of the README: interactive controls and named ones
        with open(os.environ["A11Y_REPORT"], "w", encoding="utf-8") as report:
            for screen, (total, named) in sorted(counts.items()):
                report.write(f"{screen}\t{named}/{total}\n")
            report.write("\n".join(sorted(found)) + "\n")
    assert sum(total for total, _named in counts.values()) > 300  # the walk did meet the screens
    assert not found, "Problèmes d'accessibilité :\n" + "\n".join(sorted(found))


@pytest.mark.parametrize("name", sorted(palette.PALETTES))
def test_every_palette_colour_has_its_contrast_on_every_background(name):
    failing = [f"{colour} ({kind}) sur {background} : {ratio:.2f} < {minimum}"
               for colour, kind, background, ratio, minimum in palette.pairs(palette.PALETTES[name]) if ratio < minimum]
    assert not failing, failing


def test_contrast_ratio_matches_the_wcag_reference_values():
    assert palette.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert palette.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    # the colours the issue measured as too pale are gone from the palette
    assert palette.contrast_ratio("#c25e00", "#efefef") < 4.5 <= palette.contrast_ratio(palette.STANDARD["warning"],
                                                                                         "#efefef")


def test_form_caption_is_the_buddy_and_names_the_field(qtbot):
    from gui.forms import Form

    form = Form()
    qtbot.addWidget(form)
    name = form.add_text("last_name", "Nom *")
    origin = form.add_choice("origin", "Origine", {"habitant": "Habitant", "bailleur": "Bailleur"})
    other = form.add_text("other", "Nature")  # N taken by « Nom »: the next free letter
    assert name.accessibleName() == "Nom" and origin.accessibleName() == "Origine"
    assert form.captions["last_name"].buddy() is name
    assert form.captions["last_name"].text() == "&Nom *" and form.captions["other"].text() == "Na&ture"  # A is « Affichage »
    assert "obligatoire" in name.accessibleDescription()


def test_a_field_error_is_said_by_the_screen_reader(qtbot):
    from core.errors import ValidationError
    from gui.forms import Form

    form = Form()
    qtbot.addWidget(form)
    name = form.add_text("last_name", "Nom *")
    form.show_error(ValidationError("Le nom est obligatoire.", "last_name"))
    assert "Le nom est obligatoire." in name.accessibleDescription()
    form.clear_errors()
    assert "Le nom est obligatoire." not in name.accessibleDescription()


def test_alt_letter_of_a_caption_moves_to_its_field(qtbot):
    from PySide6.QtTest import QTest

    from gui.forms import Form

    form = Form()
    qtbot.addWidget(form)
    first = form.add_text("last_name", "Nom *")
    second = form.add_text("first_name", "Prénom")
    form.show()
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow, timeout=1000)
    first.setFocus()
    QTest.keyClick(form, Qt.Key_P, Qt.AltModifier)
    qtbot.waitUntil(lambda: second.hasFocus(), timeout=1000)


def test_a_status_colour_comes_with_its_words_and_a_mark(qtbot):
    from gui.palette import status_colour
    from gui.rows_model import RowsModel

    model = RowsModel([("title", "Échéance"), ("due", "Pour le")])
    model.set_rows([{"title": "Relancer le bailleur", "due": "01/11/2026", "_colour": status_colour("late"),
                     "_colour_keys": ("title", "due"), "_tooltip": "Relancer le bailleur"},
                    {"title": "Visite", "due": "30/12/2026", "_colour": None}])
    late = model.index(0, 1)
    assert late.data(Qt.AccessibleDescriptionRole) == "en retard"
    assert late.data(Qt.DecorationRole) is not None  # a triangle beside the date, seen without a mouse
    assert late.data(Qt.ToolTipRole).startswith("En retard")
    assert model.index(1, 1).data(Qt.AccessibleDescriptionRole) is None
    assert model.index(1, 1).data(Qt.DecorationRole) is None


def test_high_contrast_palette_when_the_system_or_the_user_asks(qapp, monkeypatch):
    from PySide6.QtGui import QPalette

    monkeypatch.setenv("MH_CONTRASTE", "eleve")
    try:
        assert palette.apply(qapp) == "high_contrast"
        assert qapp.palette().color(QPalette.Window).name() == palette.HIGH_CONTRAST["window"]
        assert palette.colour("danger") == palette.HIGH_CONTRAST["danger"]
    finally:
        monkeypatch.delenv("MH_CONTRASTE")
        assert palette.apply(qapp) in palette.PALETTES  # back to what the system asks


def test_tab_leaves_a_table_page_and_arrows_move_inside(qtbot, demo_db):
    from PySide6.QtTest import QTest

    window = window_for(qtbot, demo_db)
    page = shown_view(window, "relogement")
    table = page.table
    assert table.accessibleName() == page.TITLE
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    QTest.keyClick(table, Qt.Key_Down)
    assert table.currentIndex().row() == 1 and table.hasFocus()
    QTest.keyClick(table, Qt.Key_Tab)
    assert not table.hasFocus()


def test_tab_goes_through_a_form_in_reading_order_and_the_walker_sees_a_wrong_order(qtbot):
    from PySide6.QtTest import QTest

    from gui.forms import Form
    from tests.gui.a11y_walk import tab_order_problems

    form = Form()
    qtbot.addWidget(form)
    fields = [form.add_text("last_name", "Nom *"), form.add_choice("origin", "Origine", {"habitant": "Habitant"}),
              form.add_date("opened_on", "Signalé le"), form.add_date("closed_on", "Clos le", optional=True),
              form.add_long_text("summary", "Ce qui est signalé")]
    form.show()
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow, timeout=1000)
    fields[0].setFocus()
    visited = [QApplication.focusWidget()]
    for _field in fields[1:]:  # one Tab per field: a date does not keep Tab for its day, month and year
        QTest.keyClick(QApplication.focusWidget(), Qt.Key_Tab)
        visited.append(QApplication.focusWidget())
    assert [form.fields[name] for name in form.fields] == fields
    assert visited == fields
    assert not tab_order_problems(form, "essai")
    QWidget.setTabOrder(fields[2], fields[1])  # « Origine » now after « Signalé le »
    assert tab_order_problems(form, "essai") == {"essai | ordre de tabulation | ?>Form(): last_name, opened_on, origin, closed_on, summary"}
