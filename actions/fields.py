"""The questions the intake flows ask: prompt, buttons, how an answer is read, what is refused.

Each :class:`Field` fills one slot. A slot can be asked differently by different flows
(a contract number is optional in a general request, required in a cancellation notice),
so flows list fields, not slots. Parsers are pure: ``(text, today) -> value``; they return
None for "not an answer" (the field's ``error`` is sent) or raise :class:`Invalid` with a
more precise French message.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.facts import LICENCE_NOTICE_DAYS, PHONE_AND_HOURS, SERVICE_PHONE
from bot.validation import (
    MAX_SHORT_TEXT_LENGTH,
    MAX_TEXT_LENGTH,
    clean_text,
    display_phone,
    earliest_licence_end,
    find_contract_number,
    find_email,
    fold,
    format_date_fr,
    licence_end_is_allowed,
    looks_like_command,
    normalise_contract_number,
    normalise_person_name,
    normalise_phone,
    parse_french_date,
)

SKIPPED = "-"  # value of an optional slot the customer chose not to fill
YES, NO = "yes", "no"


class Invalid(ValueError):
    """An answer that cannot be accepted, with the French explanation to give."""


@dataclass(frozen=True)
class Option:
    """A closed choice: its stored value, its button title, and the words that pick it."""

    value: str
    title: str
    words: tuple[str, ...] = ()

    def matches(self, folded: str) -> bool:
        return any(folded == w or folded.startswith(w + " ")
                   for w in (fold(self.title), *map(fold, self.words)))


Parser = Callable[[str, date], "str | None"]


@dataclass(frozen=True)
class Field:
    """One question of a flow: how it is asked and read, and where its answer is filed."""

    slot: str
    label: str                     # shown in the summary and on "what to correct" buttons
    prompt: str | Callable[[date], str]
    error: str
    parse: Parser
    options: tuple[Option, ...] = ()
    extra_buttons: Callable[[date], list[dict[str, str]]] = field(default=lambda today: [])
    free_text: bool = False        # any wording is an answer (subject, description, reason)
    column: str | None = None      # the ticket column the answer is filed in (None: not filed)
    filed_as: Callable[[str], Any] = field(default=lambda value: value)  # answer -> column value
    stamp: str | None = None       # slot and ticket column keeping when it was answered
    correction_words: str = ""     # regex: how customers name it ("en fait mon e-mail est …")
    # How to pick its answer out of the message that starts the flow ("je veux résilier mon
    # contrat CT-2024-0815"), only where it is unmistakable; None: it is always asked.
    spot: Callable[[str], str | None] | None = None

    def question(self, today: date) -> str:
        return self.prompt(today) if callable(self.prompt) else self.prompt

    def buttons(self, today: date) -> list[dict[str, str]]:
        return ([{"title": o.title, "payload": o.title} for o in self.options]
                + self.extra_buttons(today))

    def display(self, value: str) -> str:
        """How a stored value reads in the summary."""
        if value == SKIPPED:
            return "non communiqué"
        for option in self.options:
            if option.value == value:
                return option.title
        if self.slot == "end_date":
            return format_date_fr(date.fromisoformat(value))
        if self.slot == "phone":
            return display_phone(value)
        return value

    def columns(self, slots: Mapping[str, Any]) -> dict[str, Any]:
        """What the answer puts in the ticket: its column (None when skipped), its time."""
        value = slots.get(self.slot)
        given = value not in (None, SKIPPED)
        filed: dict[str, Any] = {}
        if self.column:
            filed[self.column] = self.filed_as(str(value)) if given else None
        if self.stamp:
            moment = slots.get(self.stamp)
            filed[self.stamp] = datetime.fromisoformat(moment) if given and moment else None
        return filed


# --- parsers -------------------------------------------------------------------------

def choice(options: tuple[Option, ...], anywhere: bool = False) -> Parser:
    """The option the answer starts with; with ``anywhere``, also the only option one of
    whose words appears in it ("c'est pour une facture" -> "Factures et paiements")."""
    def parse(text: str, today: date) -> str | None:
        folded = fold(text)
        found = next((o.value for o in options if o.matches(folded)), None)
        if found or not anywhere:
            return found
        padded = f" {folded} "
        mentioned = [o.value for o in options
                     if any(f" {w} " in padded for w in (fold(o.title), *map(fold, o.words)))]
        return mentioned[0] if len(mentioned) == 1 else None
    return parse


def free_text(max_length: int, what: str) -> Parser:
    def parse(text: str, today: date) -> str | None:
        if looks_like_command(text):
            raise Invalid("Ce texte ressemble à une commande technique plutôt qu'à une "
                          f"phrase. Pouvez-vous écrire {what} avec vos mots ?")
        if len(text.strip()) > max_length:
            raise Invalid(f"Votre texte fait {len(text.strip())} caractères : la limite est "
                          f"de {max_length:,} caractères".replace(",", " ")
                          + ". Pouvez-vous le raccourcir ?")
        return clean_text(text, max_length)
    return parse


def optional(parse: Parser, skip: Option) -> Parser:
    def parse_or_skip(text: str, today: date) -> str | None:
        return SKIPPED if skip.matches(fold(text)) else parse(text, today)
    return parse_or_skip


def _contract_number(text: str, today: date) -> str | None:
    words = text.replace("n°", " ").replace("N°", " ").split()
    candidates = [text] + [w for w in words if any(c.isdigit() for c in w)]
    return next((n for n in map(normalise_contract_number, candidates) if n), None)


def _person_name(text: str, today: date) -> str | None:
    return normalise_person_name(text)


def _company(text: str, today: date) -> str | None:
    if looks_like_command(text):
        return None
    return clean_text(text, max_length=120)


def _email(text: str, today: date) -> str | None:
    return find_email(text)


def _phone(text: str, today: date) -> str | None:
    return normalise_phone(text)


def _maintenance_end(text: str, today: date) -> str | None:
    day = parse_french_date(text, today)
    if day is None:
        return None
    if day < today:
        raise Invalid(f"Le {format_date_fr(day)} est déjà passé : la fin du contrat ne peut "
                      "pas être antérieure à aujourd'hui.")
    return day.isoformat()


def _licence_end(text: str, today: date) -> str | None:
    day = parse_french_date(text, today)
    if day is None:
        return None
    if not licence_end_is_allowed(day, today):
        raise Invalid(
            f"Le {format_date_fr(day)} est trop proche : une licence mensuelle se résilie "
            f"moyennant un préavis écrit de {LICENCE_NOTICE_DAYS} jours. La date la plus proche "
            "possible est le "
            f"{format_date_fr(earliest_licence_end(today))}.")
    return day.isoformat()


def _destruction(text: str, today: date) -> str | None:
    answer = choice(DESTRUCTION)(text, today)
    if answer == NO:
        raise Invalid(
            "Sans cette confirmation, la résiliation ne peut pas être enregistrée : les copies "
            "du logiciel doivent être détruites au moment de l'annulation. Si vous avez une "
            f"question, le Service Clientèle vous répond au {PHONE_AND_HOURS}.")
    return answer


# --- options -------------------------------------------------------------------------

YES_WORDS = ("oui", "ouais", "ok", "okay", "d accord", "j accepte", "accepte", "accepter",
             "je confirme", "confirme", "confirmer", "bien sur", "volontiers", "absolument",
             "tout a fait", "c est bon", "yes", "evidemment")
NO_WORDS = ("non", "je refuse", "refuse", "refuser", "pas d accord", "jamais", "no",
            "je n accepte pas", "je ne confirme pas")

CATEGORIES = tuple(Option(value, value, words) for value, words in (
    ("Contrats", ("contrat",)),
    ("Commandes et livraisons", ("commande", "commandes", "livraison", "livraisons")),
    ("Inventaire et maintenance", ("inventaire", "maintenance")),
    ("Factures et paiements", ("facture", "factures", "paiement", "paiements", "facturation")),
    ("Demande technique", ("technique", "probleme technique", "support technique")),
    ("Autre", ("autre chose", "autres", "divers")),
))
CATEGORIES_WITH_CONTRACT = {"Contrats", "Inventaire et maintenance"}

PASSPORT, MONTHLY = "passport_advantage", "monthly"
LICENCE_TYPES = (
    Option(PASSPORT, "Passport Advantage", ("passport", "pa", "prepayee", "licence prepayee")),
    Option(MONTHLY, "Licence mensuelle périodique",
           ("mensuelle", "periodique", "mensuel", "licence mensuelle", "tous les mois",
            "monthly")),
)
CONSENT = (Option(YES, "J'accepte", YES_WORDS), Option(NO, "Je refuse", NO_WORDS))
DESTRUCTION = (Option(YES, "Je confirme", YES_WORDS),
               Option(NO, "Je ne peux pas le confirmer", NO_WORDS))
CONFIRM, CORRECT, CANCEL = "confirm", "correct", "cancel"
CONFIRMATION = (
    Option(CONFIRM, "Confirmer", ("oui", "ok", "c est correct", "c est bon", "valider",
                                  "envoyer", "tout est correct", "parfait", "exact",
                                  "je confirme", "confirme", "correct")),
    Option(CORRECT, "Corriger", ("modifier", "changer", "non", "il y a une erreur", "erreur",
                                 "pas correct", "correction", "rectifier")),
    Option(CANCEL, "Annuler", ("abandonner", "laisser tomber", "laisse tomber", "stop",
                               "je ne veux plus", "annule", "annulation")),
)
SKIP_PHONE = Option(SKIPPED, "Passer", ("pas de telephone", "aucun", "non", "je prefere pas",
                                        "je ne prefere pas", "pas de numero", "rien"))
SKIP_REASON = Option(SKIPPED, "Passer", ("aucune", "aucune raison", "non", "rien",
                                         "je prefere ne pas le dire", "pas de raison"))
NO_CONTRACT = Option(SKIPPED, "Je n'en ai pas", ("aucun", "non", "pas de contrat",
                                                 "je ne sais pas", "je ne l ai pas", "passer"))

# The seed page's data-protection wording (section "Identifiant IBM"), kept as it is.
DATA_PROTECTION = (
    "Selon les exigences des règlements locaux de protection des données, vous êtes priés de "
    "confirmer qu'IBM peut stocker et employer vos informations personnelles pour vous "
    "contacter et pour exporter vos informations personnelles en dehors de votre pays de "
    "résidence.")


def _skip_button(option: Option) -> Callable[[date], list[dict[str, str]]]:
    return lambda today: [{"title": option.title, "payload": option.title}]


def _earliest_end_button(today: date) -> list[dict[str, str]]:
    earliest = format_date_fr(earliest_licence_end(today))
    return [{"title": f"Le {earliest}", "payload": f"le {earliest}"}]


NUMBER_FORMAT = "(lettres, chiffres, « - », « / » ou « . », de 4 à 30 caractères)"
NAME_ERROR = ("Je n'ai pas reconnu un nom (lettres, espaces, traits d'union et apostrophes "
              "uniquement).")
# How customers name an answer they correct ("en fait mon contrat est …"), shared by the
# fields that fill the same slot.
CONTRACT_WORDS = r"num[ée]ro\s+de\s+(?:contrat|licence)|contrat|licence"
END_DATE_WORDS = r"date(?:\s+de\s+fin)?"
NAME_WORDS = r"nom(?:\s+complet)?"


def _is_yes(value: str) -> bool:
    return value == YES


# --- the fields ----------------------------------------------------------------------

REQUEST_CATEGORY = Field(
    "request_category", "Catégorie", "Votre demande concerne :",
    "Je n'ai pas reconnu la catégorie. Choisissez l'une de celles proposées.",
    choice(CATEGORIES, anywhere=True), options=CATEGORIES, column="category")
SUBJECT = Field(
    "subject", "Objet", "En quelques mots, quel est l'objet de votre demande ?",
    "Pouvez-vous indiquer l'objet de votre demande en quelques mots ?",
    free_text(MAX_SHORT_TEXT_LENGTH, "l'objet de votre demande"), free_text=True,
    column="subject")
DESCRIPTION = Field(
    "description", "Description",
    "Décrivez votre demande avec autant de détails que possible (références de commande, "
    "de facture, produits concernés…).",
    "Pouvez-vous décrire votre demande ?",
    free_text(MAX_TEXT_LENGTH, "votre demande"), free_text=True, column="description")
REQUEST_CONTRACT_NUMBER = Field(
    "contract_number", "Numéro de contrat",
    "Quel est le numéro du contrat concerné ? S'il n'y en a pas, cliquez sur « Je n'en ai pas ».",
    f"Je ne reconnais pas ce numéro de contrat {NUMBER_FORMAT}.",
    optional(_contract_number, NO_CONTRACT), extra_buttons=_skip_button(NO_CONTRACT),
    column="contract_number", correction_words=CONTRACT_WORDS, spot=find_contract_number)
CONTRACT_NUMBER = Field(
    "contract_number", "Numéro de contrat", "Quel est le numéro de votre contrat ?",
    f"Je ne reconnais pas ce numéro de contrat {NUMBER_FORMAT}. Vous le trouverez en haut de "
    "votre contrat ou de vos factures.",
    _contract_number, column="contract_number", correction_words=CONTRACT_WORDS,
    spot=find_contract_number)
LICENCE_NUMBER = Field(
    "contract_number", "Numéro de licence ou de contrat",
    "Quel est le numéro de la licence ou du contrat à résilier ?",
    f"Je ne reconnais pas ce numéro {NUMBER_FORMAT}. Il figure sur votre contrat de licence "
    "et sur vos factures.",
    _contract_number, column="contract_number", correction_words=CONTRACT_WORDS,
    spot=find_contract_number)
LICENCE_TYPE = Field(
    "licence_type", "Type de licence", "De quel type de licence s'agit-il ?",
    "Choisissez le type de licence parmi ceux proposés. En cas de doute, le Service Clientèle "
    f"vous renseigne au {PHONE_AND_HOURS}.",
    choice(LICENCE_TYPES, anywhere=True), options=LICENCE_TYPES)
MAINTENANCE_END_DATE = Field(
    "end_date", "Date de fin souhaitée",
    "À quelle date souhaitez-vous mettre fin au contrat ? (par exemple « 31/12 », "
    "« le 3 mars » ou « fin du mois »)",
    "Je n'ai pas compris cette date. Écrivez-la par exemple « 31/12/2026 », « le 3 mars » ou "
    "« fin du mois ».",
    _maintenance_end, column="requested_end_date", filed_as=date.fromisoformat,
    correction_words=END_DATE_WORDS)
LICENCE_END_DATE = Field(
    "end_date", "Date d'annulation",
    lambda today: ("À quelle date la licence doit-elle prendre fin ? Avec le préavis de "
                   f"{LICENCE_NOTICE_DAYS} jours, la date la plus proche possible est le "
                   f"{format_date_fr(earliest_licence_end(today))}."),
    "Je n'ai pas compris cette date. Écrivez-la par exemple « 31/12/2026 », « le 3 mars » ou "
    "« fin du mois prochain ».",
    _licence_end, extra_buttons=_earliest_end_button, column="requested_end_date",
    filed_as=date.fromisoformat, correction_words=END_DATE_WORDS)
REASON = Field(
    "reason", "Motif",
    "Souhaitez-vous indiquer le motif de la résiliation ? (facultatif)",
    "Pouvez-vous indiquer le motif en quelques mots, ou cliquer sur « Passer » ?",
    optional(free_text(MAX_TEXT_LENGTH, "le motif"), SKIP_REASON), free_text=True,
    extra_buttons=_skip_button(SKIP_REASON), column="reason")
DESTRUCTION_CONFIRMED = Field(
    "destruction_confirmed", "Destruction de toutes les copies",
    "Au moment de l'annulation, toutes les copies du logiciel doivent être détruites. "
    "Confirmez-vous qu'elles le seront ?",
    "Répondez par « Je confirme » ou « Je ne peux pas le confirmer ».",
    _destruction, options=DESTRUCTION, column="destruction_confirmed", filed_as=_is_yes)
CONSENT_FIELD = Field(
    "consent", "Accord sur la protection des données",
    "Pour enregistrer votre demande, j'ai besoin de vos coordonnées (nom, e-mail, "
    f"téléphone). {DATA_PROTECTION} Acceptez-vous ?",
    "Répondez par « J'accepte » ou « Je refuse ».",
    choice(CONSENT), options=CONSENT, stamp="consent_at")
CUSTOMER_NAME = Field(
    "customer_name", "Nom", "Quels sont vos nom et prénom ?",
    NAME_ERROR,
    _person_name, column="customer_name", correction_words=NAME_WORDS)
CONTACT_NAME = Field(
    "customer_name", "Personne de contact",
    "Qui est la personne de contact pour ce contrat ? (nom et prénom)",
    NAME_ERROR,
    _person_name, column="customer_name", correction_words=NAME_WORDS)
COMPANY = Field(
    "company", "Société", "Pour quelle société faites-vous cette demande ?",
    "Pouvez-vous indiquer le nom de votre société (120 caractères au plus) ?", _company,
    column="company", correction_words=(r"(?:nom\s+de\s+(?:la\s+|l['’]\s*|mon\s+|ma\s+)?)?"
                                        r"(?:soci[ée]t[ée]|entreprise|firme)"))
EMAIL = Field(
    "email", "E-mail", "À quelle adresse e-mail pouvons-nous vous répondre ?",
    "Cette adresse e-mail ne semble pas valide (exemple : prenom.nom@entreprise.be).", _email,
    column="email", spot=find_email,
    correction_words=r"(?:adresse\s+)?e-?mail|adresse(?:\s+[ée]lectronique)?|mail|courriel")
PHONE = Field(
    "phone", "Téléphone",
    "À quel numéro de téléphone pouvons-nous vous joindre ? (facultatif)",
    "Ce numéro de téléphone ne semble pas valide. Indiquez un numéro belge "
    f"({SERVICE_PHONE.national}, 0475 12 34 56) ou international (+33 1 23 45 67 89), "
    "ou cliquez sur « Passer ».",
    optional(_phone, SKIP_PHONE), extra_buttons=_skip_button(SKIP_PHONE), column="phone",
    correction_words=r"(?:num[ée]ro\s+de\s+)?(?:t[ée]l[ée]phone|gsm|portable)|t[ée]l")
SIGNATURE = Field(
    "signature", "Signature",
    "La notification de résiliation doit être signée. Pour signer ce préavis, tapez le nom "
    "complet de la personne de contact, tel que vous l'avez indiqué.",
    "La signature doit reprendre votre nom complet, tel que vous l'avez indiqué.",
    _person_name, column="signature_name", stamp="signed_at")
CONFIRMATION_FIELD = Field(
    "confirmation", "Confirmation", "Tout est-il correct ?",
    "Choisissez « Confirmer », « Corriger » ou « Annuler ».",
    choice(CONFIRMATION), options=CONFIRMATION)


NOTHING_TO_CORRECT = "nothing"


def field_to_correct(correctable: list[Field]) -> Field:
    """"Que souhaitez-vous corriger ?", with one button per answer already given."""
    options = tuple(Option(q.slot, q.label, (q.slot.replace("_", " "),)) for q in correctable)
    options += (Option(NOTHING_TO_CORRECT, "Rien, revenir au récapitulatif",
                       ("rien", "rien finalement", "tout est correct", "retour", "confirmer")),)
    return Field("field_to_correct", "Élément à corriger", "Que souhaitez-vous corriger ?",
                 "Choisissez l'élément à corriger parmi ceux proposés.",
                 choice(options), options=options)
