"""The bilan par objectif: its figures equal direct SQL counts, and the PDF prints them."""
from __future__ import annotations

import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from core.actor import SYSTEM, Actor
from core.errors import NotFound, PermissionDenied, ValidationError
from core.formatting import fr_number
from core.pdf.bilan import build_bilan
from core.pdf.bilan_data import INDICATORS, case_ids_behind, compute_bilan, counts, resolve_scope

START, END = date(2025, 1, 1), date(2025, 12, 31)
ROOT = Path(__file__).resolve().parents[2]


def sql_count(session, sql: str, **params) -> int:
    return session.execute(text(sql), {"s": START.isoformat(), "e": END.isoformat(), **params}).scalar()


def test_indicators_equal_direct_sql_counts(demo_db):
    with demo_db.session() as session:
        bilan = compute_bilan(session, resolve_scope(session, START, END))
        active = "c.opened_on <= :e AND (c.closed_on IS NULL OR c.closed_on >= :s)"
        assert bilan.totals["suivis"] == sql_count(session, f"SELECT count(*) FROM cases c WHERE {active}") > 0
        assert bilan.totals["ouverts"] == sql_count(
            session, "SELECT count(*) FROM cases WHERE opened_on BETWEEN :s AND :e")
        assert bilan.totals["clos"] == sql_count(session, "SELECT count(*) FROM cases WHERE closed_on BETWEEN :s AND :e")
        assert bilan.totals["visites"] == sql_count(
            session, "SELECT count(DISTINCT v.id) FROM visits v JOIN visit_cases vc ON vc.visit_id = v.id "
                     "WHERE v.status = 'realisee' AND date(v.done_at) BETWEEN :s AND :e")
        assert bilan.totals["reloges"] == sql_count(
            session, "SELECT count(*) FROM relocations WHERE status = 'reloge' AND rehoused_on BETWEEN :s AND :e")
        for objective_id, code, _label in bilan.objectives:
            expected = sql_count(session, f"SELECT count(*) FROM cases c JOIN case_objectives co ON co.case_id = c.id "
                                          f"WHERE co.objective_id = :o AND {active}", o=objective_id)
            assert bilan.by_objective.get(objective_id, {}).get("suivis", 0) == expected, code
            expected = sql_count(session, "SELECT count(*) FROM referrals r JOIN case_objectives co ON "
                                          "co.case_id = r.case_id WHERE co.objective_id = :o AND r.sent_on "
                                          "BETWEEN :s AND :e", o=objective_id)
            assert bilan.by_objective.get(objective_id, {}).get("saisines", 0) == expected, code
        assert len(bilan.annex) == bilan.totals["suivis"]
        assert sum(count for _month, count in bilan.per_month) == bilan.totals["ouverts"]


@pytest.mark.parametrize("commune", [None, "Roubaix"])
def test_bilan_counts_equal_the_dashboards_grouped_sql(demo_db, commune):
    """The bilan counts in Python what the dashboard groups in SQL: every figure must agree."""
    with demo_db.session() as session:
        scope = resolve_scope(session, START, END, commune=commune)
        bilan = compute_bilan(session, scope)
        grouped = counts(session, scope, "objective")
        overall = counts(session, scope, "all")[0]
    assert bilan.totals == overall
    assert overall["visites"] > 0 and overall["desordres"] > 0 and overall["saisines"] > 0
    for objective_id, _code, _label in bilan.objectives:
        expected = grouped.get(objective_id, {i.key: 0 for i in INDICATORS})
        assert bilan.by_objective.get(objective_id, {i.key: 0 for i in INDICATORS}) == expected


def test_neighbourhood_scope_and_drill_down(demo_db):
    with demo_db.session() as session:
        name, nb_id = session.execute(text(
            "SELECT n.name, n.id FROM cases c JOIN dwellings d ON d.id = c.dwelling_id JOIN neighbourhoods n "
            "ON n.id = d.neighbourhood_id GROUP BY n.id ORDER BY count(*) DESC LIMIT 1")).one()
        scope = resolve_scope(session, START, END, quartier=name.upper())  # accents and case do not matter
        bilan = compute_bilan(session, scope)
        expected = sql_count(session, "SELECT count(*) FROM cases c JOIN dwellings d ON d.id = c.dwelling_id "
                                      "WHERE d.neighbourhood_id = :n AND c.opened_on <= :e AND "
                                      "(c.closed_on IS NULL OR c.closed_on >= :s)", n=nb_id)
        assert bilan.totals["suivis"] == expected
        ids = case_ids_behind(session, scope, "suivis")
        assert sorted(ids) == sorted(row[0] for row in bilan.annex)
        with pytest.raises(NotFound, match="Quartier inconnu"):
            resolve_scope(session, START, END, quartier="Atlantide")
        with pytest.raises(ValidationError, match="précède"):
            resolve_scope(session, END, START)


def test_bilan_pdf_prints_the_figures(demo_db):
    with demo_db.session() as session:
        bilan = compute_bilan(session, resolve_scope(session, START, END))
    reader = PdfReader(io.BytesIO(build_bilan(demo_db, SYSTEM, START, END)))
    content = " ".join(" ".join(p.extract_text() for p in reader.pages).replace("\xa0", " ").split())
    assert "Période du 1er janvier 2025 au 31 décembre 2025" in content
    assert "Ensemble (dossiers distincts) " + " ".join(
        fr_number(bilan.totals[k]).replace("\xa0", " ") for k in ("suivis", "ouverts", "clos")) in content
    assert f"Annexe — dossiers comptés ({bilan.totals['suivis']})" in content
    assert bilan.annex[0][1] in content and bilan.annex[-1][1] in content
    assert "Nouveaux dossiers par mois" in content and "Désordres confirmés par thème" in content


def _content(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).replace("\xa0", " ").split())


def test_partners_bilan_names_nobody_and_the_nominatif_variant_is_audited(demo_db):
    from sqlalchemy import select

    from db import models as m

    with demo_db.session() as session:
        bilan = compute_bilan(session, resolve_scope(session, START, END))
        names = {session.get(m.Case, row[0]).household.last_name.upper() for row in bilan.annex}
    default = _content(build_bilan(demo_db, SYSTEM, START, END))
    assert not [name for name in names if f" {name} " in default]
    assert "Dossiers par quartier" in default and bilan.annex[-1][1] in default
    internal = _content(build_bilan(demo_db, SYSTEM, START, END, nominatif=True))
    assert "Annexe nominative" in internal and "Ne pas le transmettre aux partenaires" in internal
    assert sum(1 for name in names if f" {name} " in internal) >= len(names) // 2
    with demo_db.session() as session:
        details = [e.details for e in session.scalars(select(m.AuditEvent).where(m.AuditEvent.entity == "bilan")
                                                      .order_by(m.AuditEvent.id))]
    assert '"nominatif": false' in details[-2] and '"nominatif": true' in details[-1]


def test_one_definition_of_disorders_for_the_chart_and_the_table(demo_db):
    with demo_db.session() as session:
        bilan = compute_bilan(session, resolve_scope(session, START, END))
    assert sum(count for _theme, count in bilan.by_theme) == bilan.totals["desordres"] > 0
    content = _content(build_bilan(demo_db, SYSTEM, START, END))
    total = fr_number(bilan.totals["desordres"]).replace("\xa0", " ")
    assert f"Total : {total} désordres confirmés." in content
    assert content.count("Désordres confirmés : éléments de la grille qu'une visite a confirmés") == 2
    relocated = sum(bilan.relocations_qpv.values())
    assert f"Total : {relocated} ménages relogés" in content and "ménage(s)" not in content


def test_bilan_needs_the_report_permission(demo_db):
    with pytest.raises(PermissionDenied):
        build_bilan(demo_db, Actor(user_id=1, login="agent", role="agent"), START, END)


def run_main(*args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_command_line_french_errors(demo_db, db_path, tmp_path):
    demo_db.dispose()
    result = run_main("--db", str(db_path), "pdf", "fiche", "2099-00001", "-o", str(tmp_path / "f.pdf"))
    assert result.returncode == 1 and "Dossier inconnu : « 2099-00001 »" in result.stderr
    result = run_main("--db", str(db_path), "pdf", "bilan", "--du", "2025-02-30", "--au", "2025-12-31",
                      "-o", str(tmp_path / "b.pdf"))
    assert result.returncode != 0 and "date invalide « 2025-02-30 »" in result.stderr
    assert "Traceback" not in result.stderr
    result = run_main("--db", str(db_path), "pdf", "bilan", "--du", "2025-01-01", "--au", "2025-12-31",
                      "--commune", "Roubaix", "-o", str(tmp_path / "b.pdf"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")


def test_chart_axes_write_thousands_the_french_way():
    from reportlab.graphics import renderPDF

    from core.pdf.bilan import themes_chart
    from core.pdf.bilan_data import Bilan, Scope

    bilan = Bilan(Scope(START, END), [], {}, {}, by_theme=[("Humidité / moisissures", 2400), ("Chauffage", 1200)])
    content = _content(renderPDF.drawToString(themes_chart(bilan)))
    assert "1 500" in content and "2 400" in content and "1500" not in content
