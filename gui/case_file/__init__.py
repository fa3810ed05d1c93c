"""The case file (fiche dossier): a header and one tab per part of the case."""
