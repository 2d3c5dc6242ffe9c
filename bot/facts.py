"""The service's facts, stated once: who customers can call and when, where to write, the
notice a licence needs, the kinds of request they can file and their references.

Everything here comes from the seed FAQ page (``bot/web/seed_faq.txt``); actions, the gateway
and the opening hours read it from here, a test pins ``domain.yml``'s static replies and the
widget's links to it, and another fails when one of these facts is written anywhere else in
the code.
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import time
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class PhoneNumber:
    """One of the service's numbers, as the seed page writes it."""

    written: str

    @property
    def national(self) -> str:
        """``02 339 23 45``: as dialled from Belgium."""
        return re.sub(r"^\+32 ?\(0\)", "0", self.written)

    @property
    def significant_digits(self) -> str:
        """``23392345``: the digits after the trunk 0, the same in every spelling."""
        return re.sub(r"\D", "", self.national)[1:]


# "appelez notre Service Clientèle au +32 (0)2 339 23 45, du lundi au vendredi ..."
SERVICE_PHONE = PhoneNumber("+32 (0)2 339 23 45")
# "En savoir plus sur "Mes demandes en ligne", ou contactez directement votre Service
# clientèle au 0 810 276 810": in the FAQ's answers only (the widget makes it a link).
ONLINE_REQUESTS_PHONE = PhoneNumber("0 810 276 810")
PHONE_NUMBERS = (SERVICE_PHONE, ONLINE_REQUESTS_PHONE)

# When the Service Clientèle (and so the agents in the chat) answer: Monday to Friday,
# Brussels time, Belgian public holidays aside (bot.handoff.hours).
SERVICE_TIMEZONE = ZoneInfo("Europe/Brussels")
WORKING_WEEKDAYS = range(5)  # Monday (0) to Friday (4)
OPENS, CLOSES = time(8, 30), time(17, 0)


def french_time(at: time) -> str:
    """``8h30``, ``17h00``."""
    return f"{at.hour}h{at.minute:02d}"


OPENING_HOURS = f"du lundi au vendredi de {french_time(OPENS)} à {french_time(CLOSES)}"
PHONE_AND_HOURS = f"{SERVICE_PHONE.written}, {OPENING_HOURS}"
# What a customer reads while a part of the assistant is down for a moment: said by the
# gateway when no Rasa process answers, by Rasa when the action server does not.
UNAVAILABLE_APOLOGY = ("Désolé, l'assistant est momentanément indisponible. Réessayez dans "
                       f"quelques instants, ou appelez le Service Clientèle au {PHONE_AND_HOURS}.")

# "Vous êtes priés de notifier IBM 30 jours avant la date d'annulation" (monthly licences).
LICENCE_NOTICE_DAYS = 30

# Where signed cancellation notices of maintenance contracts are sent.
POSTAL_ADDRESS = "IBM Belgium\nCustomer Support Online Team\nAvenue du Bourget 42\n1130 Bruxelles"


class TicketKind(str, enum.Enum):
    """What a customer can file through the assistant; each has its reference prefix."""

    REQUEST = "request"                                    # "Mes demandes en ligne"
    MAINTENANCE_CANCELLATION = "maintenance_cancellation"  # maintenance contract notice
    LICENCE_TERMINATION = "licence_termination"            # monthly licence termination
    CONTRACT_COPY = "contract_copy"                        # copy of a contract

    @property
    def prefix(self) -> str:
        return REFERENCE_PREFIXES[self]


REFERENCE_PREFIXES = {
    TicketKind.REQUEST: "DEM",
    TicketKind.MAINTENANCE_CANCELLATION: "RES",
    TicketKind.LICENCE_TERMINATION: "LIC",
    TicketKind.CONTRACT_COPY: "COP",
}
# "DEM-2026-000042": prefix of the kind, year of filing, six-digit number.
REFERENCE = re.compile(
    rf"\b(?P<prefix>{'|'.join(REFERENCE_PREFIXES.values())})[\s-]?(?P<year>\d{{4}})[\s-]?"
    r"(?P<number>\d{6})\b", re.IGNORECASE)


def format_reference(kind: TicketKind, year: int, number: int) -> str:
    """``DEM-2026-000042``."""
    return f"{kind.prefix}-{year}-{number:06d}"


def find_reference(text: str) -> str | None:
    """``DEM-2026-000042`` from whatever surrounds it ("ma demande dem 2026 000042 svp")."""
    match = REFERENCE.search(text or "")
    if not match:
        return None
    return f"{match['prefix'].upper()}-{match['year']}-{match['number']}"
