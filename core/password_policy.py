"""Password strength: the length rules, then zxcvbn's estimate with French feedback.

zxcvbn scores 0 to 4 from how many guesses a password would take; it is told
the login, the person's name and the words of this application and of the
region, which an attacker would try first. Spaced-out letters (« a b c d … »)
and padded repeats (« aaaa aaaa bbbb ») fool its estimator, so the password
is also judged with its separators removed and its runs collapsed.
"""
from __future__ import annotations

import re
import unicodedata


from core.errors import ValidationError

MIN_LENGTH = 12
PASSPHRASE_MIN_LENGTH = 20
PASSPHRASE_MIN_WORDS = 4
REQUIRED_SCORE = {"agent": 3, "manager": 3, "admin": 4}
DEMO_PASSWORD = "Demo-Mediation-2026"
_ZXCVBN_MAX = 72  # zxcvbn refuses longer inputs; the first 72 characters are what an attacker guesses anyway
_SEPARATORS = re.compile(r"[\s\-_.,;:/|+]+")
_RUNS = re.compile(r"(.)\1{2,}")

# What an attacker tries first on this application: its own words, the region, French commonplaces.
APP_WORDS = (
    "mediation", "médiation", "habitat", "logement", "lille", "mel", "metropole", "métropole", "europeenne", "demo",
    "démo", "contrat", "ville", "roubaix", "tourcoing", "villeneuve", "ascq", "lomme", "hellemmes", "wattrelos",
    "marseille", "paris", "lyon", "toulouse", "nice", "nantes", "bordeaux", "strasbourg", "montpellier", "rennes",
    "nord", "france", "azerty", "motdepasse", "password", "bonjour", "soleil", "admin", "administrateur", "agent",
)

_FEEDBACK_FR = {
    "Use a few words, avoid common phrases.": "Utilisez plusieurs mots, en évitant les expressions courantes.",
    "No need for symbols, digits, or uppercase letters.": "Pas besoin de symboles, de chiffres ni de majuscules.",
    "Add another word or two. Uncommon words are better.":
        "Ajoutez un ou deux mots de plus, de préférence peu courants.",
    "Straight rows of keys are easy to guess.": "Les rangées de touches du clavier se devinent facilement.",
    "Short keyboard patterns are easy to guess.": "Les motifs courts sur le clavier se devinent facilement.",
    "Use a longer keyboard pattern with more turns.": "Évitez les motifs suivant le clavier.",
    'Repeats like "aaa" are easy to guess.': "Les répétitions comme « aaa » se devinent facilement.",
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".':
        "Les répétitions comme « abcabcabc » ne sont guère plus sûres que « abc ».",
    "Avoid repeated words and characters.": "Évitez les mots et caractères répétés.",
    'Sequences like "abc" or "6543" are easy to guess.': "Les suites comme « abc » ou « 6543 » se devinent facilement.",
    "Avoid sequences.": "Évitez les suites.",
    "Recent years are easy to guess.": "Les années récentes se devinent facilement.",
    "Avoid recent years.": "Évitez les années récentes.",
    "Avoid years that are associated with you.": "Évitez les années qui vous concernent.",
    "Dates are often easy to guess.": "Les dates se devinent souvent facilement.",
    "Avoid dates and years that are associated with you.": "Évitez les dates et années qui vous concernent.",
    "This is a top-10 common password.": "C'est l'un des 10 mots de passe les plus répandus.",
    "This is a top-100 common password.": "C'est l'un des 100 mots de passe les plus répandus.",
    "This is a very common password.": "C'est un mot de passe très répandu.",
    "This is similar to a commonly used password.": "Il ressemble à un mot de passe très répandu.",
    "A word by itself is easy to guess.": "Un mot seul se devine facilement.",
    "Names and surnames by themselves are easy to guess.": "Les noms et prénoms seuls se devinent facilement.",
    "Common names and surnames are easy to guess.": "Les noms et prénoms courants se devinent facilement.",
    "Capitalization doesn't help very much.": "Les majuscules n'aident pas beaucoup.",
    "All-uppercase is almost as easy to guess as all-lowercase.":
        "Tout en majuscules se devine presque aussi facilement que tout en minuscules.",
    "Reversed words aren't much harder to guess.": "Un mot écrit à l'envers ne se devine guère plus difficilement.",
    "Predictable substitutions like '@' instead of 'a' don't help very much.":
        "Les substitutions prévisibles comme « @ » pour « a » n'aident pas beaucoup.",
}


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


def _user_inputs(login: str, full_name: str) -> list[str]:
    words = [login, *re.split(r"[\s\-'’.]+", full_name or ""), *APP_WORDS]
    return sorted({variant for w in words if len(w) >= 2 for variant in (w.lower(), _fold(w))})


def _length_rules(password: str) -> bool:
    """At least 12 characters of four kinds, or a passphrase of four words and 20 characters."""
    words = [w for w in _SEPARATORS.split(password) if w]
    if len(password) >= PASSPHRASE_MIN_LENGTH and len(words) >= PASSPHRASE_MIN_WORDS and len(set(words)) >= 3:
        return True
    kinds = sum((any(c.islower() for c in password), any(c.isupper() for c in password),
                 any(c.isdigit() for c in password), any(not c.isalnum() for c in password)))
    return len(password) >= MIN_LENGTH and kinds == 4


def _french(hints: dict) -> str:
    lines = [hints.get("warning") or "", *(hints.get("suggestions") or [])]
    return " ".join(_FEEDBACK_FR.get(line, "") for line in lines if line).strip()


def strength(password: str, login: str = "", full_name: str = "") -> tuple[int, str]:
    """(score 0-4, French advice): the weakest of the password as typed, without separators, runs collapsed."""
    inputs = _user_inputs(login, full_name)
    plain = password[:_ZXCVBN_MAX]
    squeezed = _SEPARATORS.sub("", plain)
    variants = [plain, squeezed, _RUNS.sub(r"\1", squeezed)]
    from zxcvbn import zxcvbn  # its dictionaries take a while to load: not at every start-up

    results = [zxcvbn(v, user_inputs=inputs) if v else {"score": 0, "feedback": {}} for v in variants]
    weakest = min(results, key=lambda r: r["score"])
    advice = _french(results[0]["feedback"]) or _french(weakest["feedback"])
    if weakest is not results[0] and not advice:
        advice = ("Sans ses espaces, tirets et répétitions, ce mot de passe se devine facilement : "
                  "ajoutez un mot peu courant.")
    return weakest["score"], advice


def check_password_policy(password: str, login: str = "", full_name: str = "", role: str = "agent",
                          demo_base: bool = False) -> None:
    """Raise ValidationError (field « password », French message) unless the password is strong enough."""
    password = password or ""
    if login and len(login) >= 3 and login.lower() in password.lower():
        raise ValidationError("Le mot de passe ne doit pas contenir l'identifiant.", field="password")
    if password == DEMO_PASSWORD and not demo_base:
        raise ValidationError("Ce mot de passe est publié dans la documentation de démonstration : il est refusé "
                              "sur une base réelle.", field="password")
    if not _length_rules(password):
        raise ValidationError(
            f"Mot de passe trop faible : il faut au moins {MIN_LENGTH} caractères mêlant minuscules, majuscules, "
            f"chiffres et signes, ou une phrase de passe d'au moins {PASSPHRASE_MIN_WORDS} mots "
            f"({PASSPHRASE_MIN_LENGTH} caractères ou plus).", field="password")
    required = REQUIRED_SCORE.get(role, 3)
    score, advice = strength(password, login, full_name)
    if score < required:
        who = "un compte administrateur" if role == "admin" else "ce compte"
        raise ValidationError(
            f"Mot de passe trop facile à deviner (robustesse {score} sur 4, il faut {required} pour {who}). "
            + (advice + " " if advice else "")
            + "Une phrase de passe de quatre mots peu courants est à la fois sûre et facile à retenir.",
            field="password")
