"""Validation rules of the request flows, with their edge cases."""
from __future__ import annotations

from datetime import date

import pytest

from bot.validation import (
    clean_text,
    earliest_licence_end,
    find_contract_number,
    format_date_fr,
    licence_end_is_allowed,
    normalise_contract_number,
    normalise_email,
    normalise_phone,
    parse_french_date,
)

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize("typed, expected", [
    ("anne.dupont@example.be", "anne.dupont@example.be"),
    ("  Anne.Dupont@EXAMPLE.BE ", "Anne.Dupont@example.be"),
    ("anne@sub.example.co.uk", "anne@sub.example.co.uk"),
    ("anne.dupont@", None), ("anne dupont@example.be", None), ("@example.be", None),
    ("anne@example", None), ("", None), (None, None),
    ("<script>alert(1)</script>@example.be", None),
])
def test_email(typed, expected) -> None:
    assert normalise_email(typed) == expected


@pytest.mark.parametrize("typed, expected", [
    ("02 339 23 45", "+3223392345"),
    ("+32 (0)2 339 23 45", "+3223392345"),
    ("0032 2 339 23 45", "+3223392345"),
    ("0475 12 34 56", "+32475123456"),
    ("0475/12.34.56", "+32475123456"),
    ("+33 1 42 68 53 00", "+33142685300"),
    ("+1 650 253 0000", "+16502530000"),
    ("12345", None), ("0475 12 34", None), ("téléphone", None), ("", None),
])
def test_phone_belgian_and_international(typed, expected) -> None:
    assert normalise_phone(typed) == expected


@pytest.mark.parametrize("typed, expected", [
    ("CT-123456", "CT-123456"), ("ct 123 456", "CT123456"), ("n° 4711/2026", "4711/2026"),
    ("abc", None), ("<b>123</b>", None), ("", None), ("x" * 31, None),
])
def test_contract_number(typed, expected) -> None:
    assert normalise_contract_number(typed) == expected


@pytest.mark.parametrize("typed, expected", [
    ("je veux résilier mon contrat de maintenance CT-2024-0815", "CT-2024-0815"),
    ("une copie du contrat ab-2019-3321 svp.", "AB-2019-3321"),
    ("résilier la licence LIC-88-2026.", "LIC-88-2026"),
    ("résilier le contrat n° 4711/2026", "4711/2026"),
    ("résilier le contrat n°4711/2026", "4711/2026"),
    ("copie du contrat 47112026, merci", "47112026"),
    ("mon numéro de contrat : 12345678", "12345678"),
    ("résilier ma licence 99120", "99120"),
])
def test_a_contract_number_is_picked_out_of_a_sentence(typed: str, expected: str) -> None:
    assert find_contract_number(typed) == expected


@pytest.mark.parametrize("typed", [
    "je veux résilier mon contrat de maintenance signé en 2024",   # a year
    "je veux résilier mon contrat 2024",
    "résilier le contrat de maintenance de 2024",
    "résilier le contrat 31/12/2026", "résilier mon contrat au 31/12",   # dates
    "résilier le contrat à 10h30",                                   # a time
    "une copie de mon 15eme contrat",                                 # an ordinal
    "où en est ma demande DEM-2026-000042 ?",                         # a request's reference
    "rappelez-moi, mon numéro 0475 12 34 56",                         # a phone number
    "résilier nos 4500 postes de travail",                            # digits without a cue
    "je veux une copie de mon contrat", "anne2@example.be", "", "contrat 12",
])
def test_nothing_but_an_unmistakable_contract_number_is_picked(typed: str) -> None:
    assert find_contract_number(typed) is None


@pytest.mark.parametrize("typed, expected", [
    ("31/12", date(2026, 12, 31)),
    ("31/12/2026", date(2026, 12, 31)),
    ("le 3 mars", date(2027, 3, 3)),
    ("3 mars 2027", date(2027, 3, 3)),
    ("1er janvier 2027", date(2027, 1, 1)),
    ("fin du mois", date(2026, 11, 30)),
    ("à la fin du mois prochain", date(2026, 12, 31)),
    ("fin de l'année", date(2026, 12, 31)),
    ("demain", date(2026, 11, 30)),
    ("30/02/2027", None), ("31/04", None), ("un jour", None), ("", None), ("mars", None),
])
def test_french_dates(typed, expected) -> None:
    assert parse_french_date(typed, TODAY) == expected


def test_end_of_month_across_months_and_years() -> None:
    assert parse_french_date("fin du mois", date(2027, 2, 10)) == date(2027, 2, 28)
    assert parse_french_date("fin du mois", date(2028, 2, 10)) == date(2028, 2, 29)
    assert parse_french_date("fin du mois prochain", date(2026, 12, 5)) == date(2027, 1, 31)


@pytest.mark.parametrize("today, earliest", [
    (date(2026, 11, 29), date(2026, 12, 29)),
    (date(2026, 1, 31), date(2026, 3, 2)),      # across a short February
    (date(2028, 1, 31), date(2028, 3, 1)),      # leap year
    (date(2026, 12, 15), date(2027, 1, 14)),    # across the year end
])
def test_thirty_days_notice_boundary(today: date, earliest: date) -> None:
    assert earliest_licence_end(today) == earliest
    assert licence_end_is_allowed(earliest, today)
    assert not licence_end_is_allowed(date.fromordinal(earliest.toordinal() - 1), today)


def test_text_is_trimmed_limited_and_kept_inert() -> None:
    assert clean_text("  Bonjour\x00 ") == "Bonjour"
    assert clean_text("<script>alert('x')</script>") == "<script>alert('x')</script>"
    assert clean_text("x" * 5000) is None
    assert clean_text("   ") is None


def test_dates_read_in_french() -> None:
    assert format_date_fr(date(2026, 12, 31)) == "31 décembre 2026"
    assert format_date_fr(date(2027, 1, 1)) == "1er janvier 2027"


def test_a_curly_apostrophe_is_an_apostrophe() -> None:
    assert parse_french_date("fin de l’année", date(2026, 11, 29)) == date(2026, 12, 31)
