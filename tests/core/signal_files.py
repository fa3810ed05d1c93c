"""Files in the national platform's « Signal Logement » export format, with fictional people only."""
from __future__ import annotations

import csv
from pathlib import Path

from core.signal_logement import HEADERS


def report(reference: str = "2024-101", **overrides) -> dict[str, str]:
    """One report as the platform exports it (every column), fictional household."""
    values = {header: "Non renseigné" for header in HEADERS}
    values.update({
        "Référence": reference, "Déposé le": "14/03/2024", "Statut": "en cours",
        "Description": "Moisissures dans la chambre des enfants.", "Type déclarant": "Locataire",
        "Nom occupant": "Fictif-Delaunay", "Prénom occupant": "Océane", "Tél. occupant": "'0612345678'",
        "Téléphone sec.": "'0320000001'", "E-mail occupant": "oceane.fictif@example.org",
        "Adresse": "12 rue des Essais", "Code postal": "59100", "Commune": "Roubaix", "Code INSEE": "59512",
        "EPCI": "Métropole Européenne de Lille", "Étage": "2", "Escalier": "B", "Appartement": "21",
        "Complément": "Résidence des Tilleuls", "Type occupant": "Locataire", "Situations": "Enfants en bas âge",
        "Désordres": "Présence de nuisibles|Moisissures étendues sur les murs ou plafonds|Odeur de cave persistante",
        "Criticité au dépôt": "27,5", "Nom bailleur": "", "Dénomination bailleur": "SCI Imaginaire du Nord",
        "Nb personnes": "4", "Nb enfants": "2", "Enfants -6 ans": "Oui", "Allocataire": "CAF",
        "Superficie": "35,2", "Logement social": "Non", "Nombre de visites": "1",
        "Date de la dernière visite": "02/04/2024", "Occupant présent dernière visite": "oui",
        "Statut de la dernière visite": "Terminée", "Ccl. de la dernière visite": "Non décence|Infraction RSD",
        "Comm. de la dernière visite": "Humidité confirmée dans deux pièces.", "Dernière MAJ le": "10/04/2024",
        "Fermé le": "", "Motif de clôture": "", "Commentaire de clôture": "", "Longitude": "3.1746",
        "Latitude": "50.6942", "Zones": "",
    })
    values.update(overrides)
    return values


def write_export(path: Path, reports: list[dict], headers=HEADERS, encoding: str = "utf-8-sig",
                 delimiter: str = ";") -> Path:
    """The platform's CSV: `;`, BOM, first line = headers, the given columns in the given order."""
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(headers)
        for values in reports:
            writer.writerow([values.get(h, "") for h in headers])
    return path
