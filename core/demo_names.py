"""Fictional names and streets for the demo dataset (no real person is described)."""

LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Lefèvre", "Leroy", "Moreau", "Lefebvre", "Dupont", "Lambert", "Fontaine",
    "Rousseau", "Vincent", "Muller", "Lemaire", "Mercier", "Boucher", "Dumont", "Deschamps", "Carpentier",
    "Delattre", "Vandenbussche", "Vanhoutte", "Decroix", "Degrève", "Delcourt", "Duhamel", "Hennebelle",
    "Pétillon", "Verbèke", "Wallaert", "Benali", "Haddad", "Bensaïd", "Chérif", "Mansouri", "Ouédraogo",
    "Diallo", "Traoré", "Koné", "Ndiaye", "Nguyễn", "Trần", "Çelik", "Yılmaz", "Kowalski", "Nowak", "Silva",
    "Gonçalves", "Ferreira", "Da Costa", "Héraud", "Bénard", "Lécuyer", "Noël", "Maës", "Desmarès",
    "Thérin", "Crémieux", "Sauvé", "Lefranc", "Delannoy", "Aït-Ahmed", "Boukhris", "Zeroual", "Amrani",
    "Vandamme", "Deconinck", "Dewailly", "Lœuillet", "Vanderhaeghe", "Leclercq", "Dhalluin", "Dhainaut",
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
    ("responsable", "Claire Desreumaux", "Mme", "Responsable de la médiation habitat"),
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

# Texts chosen to fit the household: each has a condition on its profile (see core.demo.Profile).
# Journal notes: (text, condition, shareable). Only shareable ones reach the household's letter, so they are
# written as the household may read them.
NOTES = [
    ("Appel du ménage : les moisissures reviennent dans la chambre des enfants.", "children", False),
    ("Échange avec le gardien : fuite signalée au bailleur la semaine dernière.", "social", False),
    ("Le ménage souhaite être relogé plus près de l'école des enfants.", "children", False),
    ("Rendez-vous pris pour une visite de constat.", "any", True),
    ("Le bailleur indique que l'entreprise interviendra sous quinze jours.", "tenant", True),
    ("Courrier de relance envoyé au propriétaire.", "private", True),
    ("Courrier de relance envoyé au bailleur.", "social", True),
    ("Dossier présenté à la cellule de veille habitat indigne.", "any", True),
    ("Le ménage signale des difficultés à payer les factures d'électricité.", "any", False),
    ("Orientation vers la permanence de l'ADIL pour les droits du locataire.", "tenant", True),
    ("Travaux de ventilation réalisés, visite de contrôle à programmer.", "any", True),
    ("Le ménage n'a pas répondu aux deux derniers appels.", "any", False),
    ("Accompagnement pour le renouvellement de la demande de logement social.", "any", True),
    ("Présence de punaises de lit signalée par le ménage.", "any", False),
    ("Orientation vers le CCAS de {commune} pour une aide au paiement de l'énergie.", "any", True),
    ("Demande d'adaptation de la salle de bains transmise au bailleur.", "senior_tenant", True),
    ("Appel de la fille de l'occupant, inquiète de son isolement.", "senior_alone", False),
    ("Échange avec l'assistante sociale du Département sur la situation des enfants.", "young_child", False),
]

SUMMARIES = [
    ("Humidité importante et moisissures dans le logement, enfants en bas âge.", "young_child"),
    ("Humidité et moisissures dans la salle de bains et la chambre.", "any"),
    ("Chauffage défaillant depuis l'automne, factures d'énergie élevées.", "any"),
    ("Suroccupation : famille nombreuse dans un {typology}.", "crowded"),
    ("Conflit avec le bailleur sur des travaux non réalisés.", "tenant"),
    ("Installation électrique dangereuse signalée par un travailleur social.", "any"),
    ("Demande de relogement dans le cadre du NPNRU.", "social"),
    ("Nuisibles dans l'immeuble, plusieurs logements touchés.", "any"),
    ("Personne âgée isolée, logement inadapté à la perte d'autonomie.", "senior_alone"),
    ("Couple âgé, logement inadapté à la perte d'autonomie.", "senior_couple"),
    ("Infiltrations par la toiture, plafond dégradé.", "any"),
    ("Accompagnement à l'accès aux droits et au logement.", "any"),
    ("Logement devenu trop petit depuis la naissance du dernier enfant.", "children"),
    ("Parent seul avec ses enfants, logement humide et mal chauffé.", "single_parent"),
]

TASKS = ["Rappeler le ménage", "Relancer le bailleur", "Programmer la visite de contrôle",
         "Envoyer le courrier au ménage", "Vérifier la réponse du partenaire", "Préparer le passage en commission",
         "Valider le courrier au bailleur"]
MANAGER_TASKS = {"Préparer le passage en commission", "Valider le courrier au bailleur"}

COMMISSION_DECISIONS = [
    "Relance du bailleur : travaux à engager sous un mois, point à la prochaine séance.",
    "Saisine du SCHS pour une visite d'insalubrité.",
    "Proposition de logement à présenter en CAL par le bailleur.",
    "Orientation vers le CCAS pour une aide financière.",
    "Ajourné : pièces manquantes, à représenter à la prochaine séance.",
    "Demande de labellisation SYPLO transmise à la préfecture.",
    "Accompagnement social lié au logement (ASLL) demandé au Département.",
    "Situation réglée : sortie du dossier de la commission.",
    "Médiation avec le propriétaire proposée avant toute procédure.",
]

PHOTO_CAPTIONS = ["Moisissures au plafond de la chambre", "Tableau électrique sans protection",
                  "Traces d'infiltration sous la fenêtre", "Radiateur hors service", "Grille de ventilation obstruée"]
