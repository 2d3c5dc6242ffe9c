"""Validation and normalisation of what customers type into the request flows.

Pure functions (no I/O): each returns the normalised value, or None when the input is not
acceptable; the flows turn None into a clear French message.
"""
from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta

import dateparser
import phonenumbers
from email_validator import EmailNotValidError, validate_email

from bot.facts import LICENCE_NOTICE_DAYS, REFERENCE
from bot.text import fold_accents

MAX_TEXT_LENGTH = 2000
MAX_SHORT_TEXT_LENGTH = 200
MAX_NAME_LENGTH = 120
CONTRACT_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9./-]{3,29}$")
_PHONE_TOKEN = re.compile(r"\+?\(?\d[\d\s().\/-]{6,}\d")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str | None, max_length: int = MAX_TEXT_LENGTH) -> str | None:
    """Trimmed text without control characters, or None if empty or too long.

    Markup is kept as typed (it is stored and shown as inert text, never interpreted).
    """
    if text is None:
        return None
    cleaned = _CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()
    if not cleaned or len(cleaned) > max_length:
        return None
    return cleaned


def normalise_email(text: str | None) -> str | None:
    """A syntactically valid e-mail address (domain lower-cased), or None."""
    if not text:
        return None
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def normalise_phone(text: str | None, region: str = "BE") -> str | None:
    """A valid Belgian or international number in E.164 form (+32475123456), or None."""
    if not text:
        return None
    found = _PHONE_TOKEN.search(text)
    if not found:
        return None
    candidate = found[0].strip()
    if candidate.startswith("00"):
        candidate = "+" + candidate[2:]
    try:
        number = phonenumbers.parse(candidate.replace("(0)", ""), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """``+32475123456`` -> ``+32 475 12 34 56`` (as stored -> as read)."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def normalise_contract_number(text: str | None) -> str | None:
    """A contract or licence number: 4-30 letters, digits, '.', '/', '-', with at least one
    digit; upper-cased."""
    if not text:
        return None
    candidate = re.sub(r"\s+", "", text).upper()
    candidate = re.sub(r"^(N°|NO\.?|NUMERO|NUMÉRO)", "", candidate)
    if not CONTRACT_NUMBER.match(candidate) or not any(c.isdigit() for c in candidate):
        return None
    return candidate


# What may precede a contract or licence number in a sentence: "n°", "numéro (de contrat)",
# "contrat", "licence" (then a colon at most).
_NUMBER_CUE = re.compile(r"(?:\bn°|\bno\.|\bnum[ée]ro(?:\s+de\s+(?:contrat|licence))?|\bcontrat"
                         r"|\blicence)\s*[:#]?\s*$", re.IGNORECASE)
_WORD = re.compile(r"[^\s,;!?()«»\"'’]+")
# Accepted by normalise_contract_number, yet something else in a sentence.
_NOT_A_CONTRACT_NUMBER = re.compile(
    r"(?:19|20)\d\d"                           # a year: "signé en 2024"
    r"|\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?"    # a date: "au 31/12/2026"
    r"|\d{1,2}H\d{0,2}"                         # a time: "à 10h30"
    r"|\d+(?:ER|RE|E|EME|IEME|ND|NDE)")          # an ordinal: "mon 2e contrat"


def find_contract_number(text: str | None) -> str | None:
    """A contract or licence number mentioned in a sentence, only when it is unmistakable.

    For the values a customer gives with the message that starts a flow ("je veux résilier
    mon contrat CT-2024-0815"): a word ``normalise_contract_number`` accepts that mixes letters
    and digits, or that follows "n°", "numéro", "contrat" or "licence"; never a year, a date,
    a time, an ordinal, a request's reference, nor digits followed by more digits (a phone
    number). Unlike the answer to "what is your contract number?", nothing is guessed.
    """
    text = text or ""
    for word in _WORD.finditer(text):
        number = normalise_contract_number(word[0].rstrip("."))
        if (number is None or _NOT_A_CONTRACT_NUMBER.fullmatch(number)
                or REFERENCE.fullmatch(number) or re.match(r"\s+\d", text[word.end():])):
            continue
        mixed = any(c.isalpha() for c in number) and any(c.isdigit() for c in number)
        cued = bool(_NUMBER_CUE.search(text[:word.start()])) or word[0].upper().startswith("N°")
        if mixed or cued:
            return number
    return None


def _end_of_month(day: date, months_ahead: int = 0) -> date:
    month_index = day.month - 1 + months_ahead
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


_RELATIVE_ENDS: dict[str, Callable[[date], date]] = {
    r"fin (du|de ce) mois": lambda today: _end_of_month(today),
    r"fin (du mois prochain|de mois prochain)": lambda today: _end_of_month(today, 1),
    r"fin (de l'annee|d'annee|de cette annee)": lambda today: date(today.year, 12, 31),
}


_DATE_WORDS = re.compile(
    r"\d|janv|fev|mars|avr|mai|juin|juil|aout|sept|oct|nov|dec|demain|aujourd")


def parse_french_date(text: str | None, today: date) -> date | None:
    """A date typed in French ("31/12", "le 3 mars", "fin du mois", "demain"), or None.

    Dates without a year are taken in the future; day/month order is European.
    """
    if not text:
        return None
    plain = fold_accents(text.replace("’", "'")).strip(" .!?")
    for pattern, resolve in _RELATIVE_ENDS.items():
        if re.fullmatch(rf"(a la |au |pour la |d'ici la )?{pattern}", plain):
            return resolve(today)
    if not _DATE_WORDS.search(plain):  # "un jour", "bientôt": not a date, whatever a parser says
        return None
    parsed = dateparser.parse(
        plain, languages=["fr"],
        settings={"PREFER_DATES_FROM": "future", "DATE_ORDER": "DMY",
                  "RELATIVE_BASE": datetime.combine(today, datetime.min.time()),
                  "REQUIRE_PARTS": ["day", "month"]},
    )
    return parsed.date() if parsed else None


def earliest_licence_end(today: date) -> date:
    """The first end date a monthly licence can be given: the notice's days after today."""
    return today + timedelta(days=LICENCE_NOTICE_DAYS)


def licence_end_is_allowed(end: date, today: date) -> bool:
    """Whether ``end`` respects the licence's notice."""
    return end >= earliest_licence_end(today)


def format_date_fr(day: date, with_year: bool = True) -> str:
    """``31 décembre 2026`` (``31 décembre`` without the year)."""
    months = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre")
    text = f"{'1er' if day.day == 1 else day.day} {months[day.month - 1]}"
    return f"{text} {day.year}" if with_year else text


_COMMAND = re.compile(r"^\s*/\w")
_NAME_PREFIX = re.compile(
    r"^(je m'appelle|je suis|mon nom est|mon nom complet est|nom\s*:|c'est)\s+", re.IGNORECASE)
_NAME = re.compile(r"^[^\W\d_]+(?:[ '’.-]+[^\W\d_]+)*\.?$")
_EMAIL_TOKEN = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+")


def looks_like_command(text: str | None) -> bool:
    """Whether ``text`` is a typed ``/intent{...}`` payload rather than words."""
    return bool(text and _COMMAND.match(text))


def normalise_person_name(text: str | None) -> str | None:
    """A person's full name ("Anne Dupont", "Jean-Luc D'Hondt"), or None.

    Accepts "je m'appelle …"; needs letters only (with spaces, hyphens, apostrophes, dots)
    and at least two characters.
    """
    cleaned = clean_text(text, max_length=MAX_NAME_LENGTH)
    if cleaned is None:
        return None
    cleaned = _NAME_PREFIX.sub("", cleaned).strip(" .")
    cleaned = re.sub(r"\s+", " ", cleaned)
    if len(cleaned) < 2 or not _NAME.match(cleaned):
        return None
    return cleaned


def same_name(typed: str, expected: str) -> bool:
    """Whether a typed signature is the expected name (case, accents and spacing aside)."""
    return fold(typed) == fold(expected)


def fold(text: str) -> str:
    """Lower-case words without accents or punctuation, for lenient comparisons."""
    return re.sub(r"[^a-z0-9]+", " ", fold_accents(text)).strip()


def find_email(text: str | None) -> str | None:
    """The first valid e-mail address inside ``text`` ("c'est anne@x.be merci"), or None."""
    for token in _EMAIL_TOKEN.findall(text or ""):
        found = normalise_email(token.strip("."))
        if found:
            return found
    return None
