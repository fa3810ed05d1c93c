"""Fictional names and streets for the demo dataset (no real person is described)."""

LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Lefèvre", "Leroy", "Moreau", "Lefebvre", "Dupont", "Lambert", "Fontaine",
    "Rousseau", "Vincent", "Muller", "Lemaire", "Mercier", "Boucher", "Dumont", "Deschamps", "Carpentier",
    "Delattre", "Vandenbussche", "Vanhoutte", "Decroix", "Degrève", "Delcourt", "Duhamel", "Hennebelle",
    "Pétillon", "Verbèke", "Wallaert", "Benali", "Haddad", "Bensaïd", "Chérif", "Mansouri", "Ouédraogo",
    "Diallo", "Traoré", "Koné", "Ndiaye", "Nguyễn", "Trần", "Çelik", "Yılmaz", "Kowalski", "Nowak", "Silva",
    "Gonçalves", "Ferreira", "Da Costa", "Héraud", "Bénard", "Lécuyer", "Noël", "Maës", "Desmarès",
    "Thérin", "Crémieux", "Sauvé", "Gaëtan", "Loïc", "Aït-Ahmed", "Boukhris", "Zeroual", "Amrani",
]

FIRST_NAMES = [
    "Hélène", "Amélie", "Léa", "Chloé", "Inès", "Zoé", "Maëlle", "Noémie", "Cécile", "Agnès", "Fatima",
    "Aïcha", "Yasmine", "Mariam", "Awa", "Thi Lan", "Ayşe", "Joanna", "Ana", "Céline", "Sophie", "Nathalie",
    "Jérôme", "Stéphane", "Frédéric", "Benoît", "Théo", "Noé", "Raphaël", "Jean-François", "François",
    "Mohamed", "Karim", "Mehdi", "Youssef", "Moussa", "Mamadou", "Minh", "Mehmet", "Piotr", "João",
    "Michel", "Patrick", "Gérard", "André", "René", "Loïc", "Gaël", "Anaïs", "Édith", "Éric",
]

# Private landlords and landlords' contacts: never a household's surname.
OWNER_LAST_NAMES = [
    "Descamps", "Dufresne", "Lecomte", "Masquelier", "Desmet", "Vanpeene", "Ghesquière", "Flament", "Bouchez",
    "Castelain", "Delobel", "Lepoutre", "Six", "Verhaeghe", "Dutilleul", "Catteau",
]

FIRST_NAMES_BY_CIVILITY = {
    "Mme": ["Hélène", "Amélie", "Chloé", "Cécile", "Agnès", "Fatima", "Nathalie", "Sophie", "Céline", "Édith"],
    "M.": ["Jérôme", "Stéphane", "Frédéric", "Benoît", "Michel", "Patrick", "Gérard", "André", "Karim", "Éric"],
}

STREETS = {
    "Lille": ["rue d'Arras", "rue de Wazemmes", "boulevard de Belfort", "rue Pierre-Legrand", "rue du Faubourg de Béthune",
              "rue des Postes", "avenue Verhaeren", "rue Saint-Gabriel", "rue de la Bassée", "rue Balzac"],
    "Roubaix": ["rue de l'Alma", "rue de l'Épeule", "rue de la Fosse-aux-Chênes", "boulevard de Fourmies",
                "rue de Tourcoing", "rue Jules-Guesde", "rue du Hutin", "rue de Lannoy"],
    "Tourcoing": ["rue de Bourgogne", "avenue de la Croix-Rouge", "rue du Virolois", "rue des Phalempins",
                  "rue de Lille", "boulevard Gambetta"],
    "Villeneuve-d'Ascq": ["chaussée de l'Hôtel-de-Ville", "rue du Pont-de-Bois", "allée de la Résidence", "rue Trudaine"],
    "Wattrelos": ["rue de Beaulieu", "rue de la Mousserie", "rue Carnot", "rue Faidherbe"],
    "Loos": ["rue des Oliveaux", "rue Guynemer", "avenue Georges-Potié"],
    "Hem": ["rue des Trois-Baudets", "rue de la Lionderie", "avenue Laennec"],
    "Mons-en-Barœul": ["avenue Robert-Schuman", "rue du Général-de-Gaulle", "rue Pasteur"],
    "Armentières": ["rue Roger-Salengro", "rue Nationale", "rue de Dunkerque"],
    "Croix": ["rue Saint-Pierre", "rue Jean-Jaurès", "rue Kléber"],
    "Halluin": ["rue du Colbras", "rue de Lille", "rue de la Lys"],
    "Seclin": ["rue Roger-Bouvry", "rue de Burgault"],
}

SOCIAL_LANDLORDS = [  # name, commune of its head office (the street address is made up)
    ("Lille Métropole Habitat", "Lille"), ("Vilogia", "Villeneuve-d'Ascq"), ("Partenord Habitat", "Lille"),
    ("SIA Habitat", "Lille"), ("Notre Logis", "Halluin"), ("Logis Métropole", "Roubaix"),
    ("Habitat du Nord", "Lille"), ("3F Notre Logis", "Tourcoing"),
]

MANAGERS = [  # login, name, civility, title
    ("responsable", "Claire Desrousseaux", "Mme", "Responsable de la médiation habitat"),
    ("chefprojet", "Julien Van Acker", "M.", "Chef de projet politique de la ville"),
]

AGENTS = [
    ("Sabrina Haddouche", "Mme"), ("Thomas Lemaître", "M."), ("Aurélie Caron", "Mme"), ("Nordine Belkacem", "M."),
    ("Élodie Vasseur", "Mme"), ("Kévin Dhaussy", "M."), ("Fatoumata Sy", "Mme"), ("Grégory Plouvier", "M."),
    ("Inès Zidane", "Mme"), ("Mathieu Delebarre", "M."), ("Océane Dufour", "Mme"), ("Rachid Ferhat", "M."),
]

PARTNERS = [  # type, name, commune
    ("commune_schs", "SCHS de la Ville de Lille", "Lille"), ("commune_schs", "SCHS de Roubaix", "Roubaix"),
    ("commune_schs", "SCHS de Tourcoing", "Tourcoing"),
    ("ars", "ARS Hauts-de-France – délégation du Nord", "Lille"), ("ccas", "CCAS de Lille", "Lille"),
    ("ccas", "CCAS de Roubaix", "Roubaix"), ("ccas", "CCAS de Tourcoing", "Tourcoing"),
    ("ccas", "CCAS de Wattrelos", "Wattrelos"), ("ccas", "CCAS de Villeneuve-d'Ascq", "Villeneuve-d'Ascq"),
    ("caf_msa", "CAF du Nord", "Lille"), ("adil", "ADIL du Nord", "Lille"),
    ("conseil_departemental", "Département du Nord – UTPAS", "Lille"),
    ("ddets", "DDETS du Nord", "Lille"), ("ddtm", "DDTM du Nord", "Lille"),
    ("prefecture", "Préfecture du Nord – pôle habitat indigne", "Lille"),
    ("operateur_travaux", "Opérateur Amélio", "Roubaix"),
    ("operateur_travaux", "Compagnons Bâtisseurs Hauts-de-France", "Lille"),
    ("association", "Association Solidarité Habitat", "Tourcoing"),
    ("association", "Fondation pour le logement – agence Nord", "Lille"),
    ("conciliateur", "Conciliateur de justice de Lille", "Lille"), ("tribunal", "Tribunal judiciaire de Lille", "Lille"),
]

NOTE_TEXTS = [
    "Appel de la locataire : les moisissures reviennent dans la chambre des enfants.",
    "Échange avec le gardien : fuite signalée au bailleur la semaine dernière.",
    "Le ménage souhaite être relogé plus près de l'école.",
    "Rendez-vous pris pour une visite de constat avec l'occupante.",
    "Le bailleur indique que l'entreprise interviendra sous quinze jours.",
    "Courrier de relance envoyé au propriétaire.",
    "Dossier présenté à la cellule de veille habitat indigne.",
    "Madame signale des difficultés à payer les factures d'électricité.",
    "Orientation vers la permanence ADIL pour les droits du locataire.",
    "Travaux de ventilation réalisés, visite de contrôle à programmer.",
    "Le ménage n'a pas répondu aux deux derniers appels.",
    "Accompagnement pour le renouvellement de la demande de logement social.",
    "Présence de punaises de lit confirmée par l'occupant.",
    "Diagnostic en marchant : encombrants dans le hall signalés au bailleur.",
]

SUMMARIES = [
    "Humidité importante et moisissures dans le logement, enfants en bas âge.",
    "Chauffage défaillant depuis l'automne, factures d'énergie élevées.",
    "Suroccupation : famille nombreuse dans un T2.",
    "Conflit avec le bailleur sur des travaux non réalisés.",
    "Installation électrique dangereuse signalée par un travailleur social.",
    "Demande de relogement dans le cadre du NPNRU.",
    "Nuisibles dans l'immeuble, plusieurs logements touchés.",
    "Personne âgée isolée, logement inadapté à la perte d'autonomie.",
    "Infiltrations par la toiture, plafond dégradé.",
    "Accompagnement à l'accès aux droits et au logement.",
]
