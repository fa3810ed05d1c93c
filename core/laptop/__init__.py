"""Field laptops (issue 16): check cases out of the office base, work offline, check them back in.

Public API, Qt-free, for the window side (Fichier › Emporter des dossiers… / Rapporter…) and the commands:

Check-out (office seat)
    `Selection(mine=True)` / `Selection(sector="Fives")` / `Selection(references=("2026-00012", …))`
    `checkout(database, actor, target_path, selection, passphrase, encrypt=True) -> CheckoutResult`
        writes a new laptop base (SQLCipher, or plain with encrypt=False: audited as such) holding those
        cases whole, the reference data and the accounts allowed to log in offline; records the checkout
        in the office base. Raises ValidationError / PermissionDenied (French `message`, `field`).
    `CheckoutResult`: checkout_uuid, path, case_count, attachment_count, encrypted, account_logins.

On the laptop
    The laptop base is an ordinary base: open it and use the application. `laptop_origin(database)` gives
    its `LaptopInfo` (checkout uuid, holder, taken_at, returned_at) or None for an office base; new cases
    there get provisional references `P-AAAA-NNNN` (core.services.cases.next_reference).

Check-in (office seat, laptop file given by path)
    `checkin(database, actor, laptop_path, passphrase) -> CheckinReport` merges the laptop base into the
        office base in one transaction (all or nothing); a second run changes nothing
        (`report.already_applied` True). `passphrase` None for a plain laptop base.
    `CheckinReport` (plain data): checkout_uuid, holder, taken_at, applied_at, already_applied,
        created / updated / deleted (lists of `MergedRecord`: table label, case reference, what),
        references (provisional -> office), audit_events (count appended), conflicts (`ConflictView`).
        `report.lines()` gives French text lines;
        core.pdf.laptop_report.write_checkin_pdf(report, path, database) the PDF.

Conflicts (the same field changed differently on both sides; the office value is kept until settled)
    `list_conflicts(database, actor, open_only=True) -> tuple[ConflictView, ...]` (the @query
        « portable.conflits », core.queries.laptop): id, case_reference, table label,
        field label, base / office / laptop values as display text, who and when on each side, status.
    `settle_conflict(database, actor, conflict_id, choice="bureau"|"portable"|None, value=None)`: an @action
        (audited "portable.arbitrage"): applies the chosen value (or the edited `value`) through a version
        check; ConflictError if the office record changed since the conflict was listed.

Case list: core.queries.case_list rows carry `checked_out_by` / `checked_out_on` (« emporté par … le … »).
"""
from __future__ import annotations

from core.laptop.checkin import checkin
from core.laptop.checkout import CheckoutResult, Selection, checkout
from core.laptop.conflicts import settle_conflict
from core.queries.laptop import list_conflicts
from core.laptop.info import LaptopInfo, laptop_origin
from core.laptop.report import CheckinReport, ConflictView, MergedRecord

__all__ = ["CheckinReport", "CheckoutResult", "ConflictView", "LaptopInfo", "MergedRecord", "Selection", "checkin",
           "checkout", "laptop_origin", "list_conflicts", "settle_conflict"]
