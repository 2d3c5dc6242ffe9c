"""Every business fact is stated once, in ``bot/facts.py``.

``domain.yml``'s static replies cannot import Python: they are pinned to the facts' wording.
The widget's links are pinned to the facts' numbers. Anywhere else in the code, templates
and static files, a fact written out (in any spelling) fails the test.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.facts import (
    CLOSES,
    LICENCE_NOTICE_DAYS,
    OPENING_HOURS,
    OPENS,
    PHONE_AND_HOURS,
    PHONE_NUMBERS,
    POSTAL_ADDRESS,
    REFERENCE_PREFIXES,
    SERVICE_PHONE,
)

ROOT = Path(__file__).resolve().parent.parent

# --- a fact written anywhere but bot/facts.py -------------------------------------------

SCANNED = ("bot", "actions", "bench", "scripts")  # code, templates, static files, demo page
NOT_SCANNED = {"bot/facts.py", "bot/web/seed_faq.txt"}  # the facts; the seed page, verbatim
_PREFIX = f"(?:{'|'.join(REFERENCE_PREFIXES.values())})"
_PHONE_LIKE = re.compile(r"\+?\(?\d[\d ().\/-]*\d")
FACT_PATTERNS = {
    "opening time": re.compile("|".join(
        rf"\b0?{t.hour}\s?[hH:]\s?{t.minute:02d}\b|time\(\s*0?{t.hour},\s*{t.minute}\s*\)"
        for t in (OPENS, CLOSES))),
    "opening days": re.compile(r"lundi au vendredi", re.IGNORECASE),
    "postal address": re.compile("|".join(
        r"\s+".join(map(re.escape, line.split())) for line in POSTAL_ADDRESS.splitlines()),
        re.IGNORECASE),
    "licence notice": re.compile(
        rf"\b{LICENCE_NOTICE_DAYS}\s*(?:jours|days)\b|days\s*=\s*{LICENCE_NOTICE_DAYS}\b",
        re.IGNORECASE),
    "reference prefix": re.compile(
        rf"\b{_PREFIX}[\s-]|\b{_PREFIX}\s*\|\s*{_PREFIX}\b|[\"']{_PREFIX}[\"']"),
}


def written_facts(text: str) -> list[str]:
    """The facts written out in ``text``: phone numbers by their digits, whatever the
    spelling ("+32 (0)2 …", "02/…", "0032 2 …"), the rest by pattern."""
    found = [m[0] for m in _PHONE_LIKE.finditer(text)
             if any(p.significant_digits in re.sub(r"\D", "", m[0]) for p in PHONE_NUMBERS)]
    return found + [m[0] for pattern in FACT_PATTERNS.values() for m in pattern.finditer(text)]


def scanned_files() -> list[Path]:
    files = [path for folder in SCANNED for path in (ROOT / folder).rglob("*")
             if path.is_file() and "__pycache__" not in path.parts]
    return [path for path in files if path.relative_to(ROOT).as_posix() not in NOT_SCANNED]


@pytest.mark.parametrize("spelling", [
    "+32 (0)2 339 23 45", "+32(0)2 339 23 45", "02 339 23 45", "02/339.23.45", "+3223392345",
    "0032 2 339 23 45", "0 810 276 810", "0810276810", "+32 810 27 68 10",
    "8h30", "08H30", "8:30", "17h00", "17H00", "17:00", "time(8, 30)", "time(17, 0)",
    "du lundi au vendredi", "IBM Belgium", "Customer Support Online Team",
    "Avenue du Bourget 42", "1130  Bruxelles", "DEM-2026-000042", '"COP-"', "LIC 2026",
    "(DEM|RES|LIC|COP)", "'RES'", "30 jours", "30 days'", "timedelta(days=30)",
])
def test_every_spelling_of_a_fact_is_caught(spelling: str) -> None:
    assert written_facts(f"x = f'Appelez le {spelling} !'"), spelling


@pytest.mark.parametrize("other", [
    "0475 12 34 56", "+33 1 23 45 67 89", "n° 4711/2026", "18h30", "8h00", "le 17 mars",
    "RESILIER", "DEMANDE", "copie", "Bruxelles", "time(8, 0)", "130 jours", "days=300",
])
def test_other_numbers_and_words_are_not_facts(other: str) -> None:
    assert written_facts(other) == []


def test_no_fact_is_written_outside_bot_facts() -> None:
    files = scanned_files()
    assert {"actions/messages.py", "bot/web/static/widget.js", "bot/web/demo.html",
            "bot/web/templates/base.html"} <= {p.relative_to(ROOT).as_posix() for p in files}
    written = [f"{path.relative_to(ROOT)}:{number}: {fact!r}"
               for path in files for number, line in enumerate(
                   path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
               for fact in written_facts(line)]
    assert written == []


# --- domain.yml's static replies ----------------------------------------------------------

# Whatever looks like a phone number, a time, a day, a notice, an address or a reference.
LOOKS_LIKE_A_FACT = re.compile(
    r"(?:\+|\b0)[\d ().\/-]{7,}\d|\b\d{1,2}\s?[hH:]\s?\d{2}\b"
    r"|\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b|\b\d+\s*jours\b"
    r"|(?-i:\b\d{4}\s+[A-Z]\w+)|\b(?:avenue|rue|boulevard|chaussée|place)\s"
    r"|(?-i:\b[A-Z]{3}-\d{4})",
    re.IGNORECASE)
WORDINGS = sorted({PHONE_AND_HOURS, OPENING_HOURS, f"{LICENCE_NOTICE_DAYS} jours",
                   *POSTAL_ADDRESS.splitlines(),
                   *(p.written for p in PHONE_NUMBERS), *(p.national for p in PHONE_NUMBERS)},
                  key=len, reverse=True)


def unpinned(text: str) -> list[str]:
    """What looks like a fact in ``text`` once the facts' own wordings are taken out."""
    for wording in WORDINGS:
        text = text.replace(wording, " ")
    return LOOKS_LIKE_A_FACT.findall(text)


def domain_texts() -> list[str]:
    """Every text of domain.yml's responses: replies and their buttons' titles."""
    responses = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    return [text for variations in responses.values() for variation in variations
            for text in (variation.get("text") or "",
                         *(b.get("title", "") for b in variation.get("buttons") or []))]


def test_the_domain_states_the_facts_in_their_wording() -> None:
    texts = domain_texts()
    assert [(text, unpinned(text)) for text in texts if unpinned(text)] == []
    assert sum(PHONE_AND_HOURS in text for text in texts) >= 2  # utter_iamabot, out_of_scope


@pytest.mark.parametrize("old, new", [
    (SERVICE_PHONE.written, "+32 (0)2 000 00 00"), ("8h30", "9h00"), ("lundi", "mardi")])
def test_a_reply_that_no_longer_matches_the_facts_is_caught(old: str, new: str) -> None:
    reply = next(text for text in domain_texts() if PHONE_AND_HOURS in text)
    assert unpinned(reply.replace(old, new))


# --- the widget's links --------------------------------------------------------------------

def test_the_widget_links_each_of_the_services_numbers() -> None:
    source = (ROOT / "bot" / "web" / "static" / "widget.js").read_text(encoding="utf-8")
    link = re.compile(re.search(r"var LINK = /(.+)/g;", source)[1])  # JS syntax Python reads
    for phone in PHONE_NUMBERS:
        phones = [m[3] for m in link.finditer(f"Appelez le {phone.written}, merci.") if m[3]]
        assert phones == [phone.written]
