"""French copy of the messages that actions send (form prompts, checks, composed replies).

Static replies live in ``domain.yml``; these are here because Rasa 3.6's validator counts a
domain response as unused unless a rule or story utters it (form prompts included), and
these are uttered by actions only.
"""
from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.tickets.models import Ticket
from bot.validation import format_date_fr

BRUSSELS = ZoneInfo("Europe/Brussels")
PHONE_AND_HOURS = "+32 (0)2 339 23 45, du lundi au vendredi de 8h30 à 17h00"

DID_YOU_MEAN = (
    "Je ne suis pas sûr d'avoir bien compris. Votre question porte-t-elle sur l'un de ces sujets ?"
)
ASK_TO_REPHRASE = (
    "Je ne suis pas sûr d'avoir bien compris. Pouvez-vous reformuler votre question "
    "en quelques mots ?"
)
ESCALATE = (
    "Je suis désolé, je ne parviens pas à répondre à votre question. Un conseiller du "
    f"Service Clientèle peut vous aider au {PHONE_AND_HOURS}. Vous pouvez aussi reformuler "
    "votre question ou laisser une demande écrite :"
)
ESCALATE_BUTTONS = [
    {"title": "Parler à un conseiller", "payload": "/talk_to_human"},
    {"title": "Soumettre une demande", "payload": "/submit_request"},
]

ASK_REFERENCE = (
    "Je regarde où en est votre demande. Quelle est sa référence ? Elle figure dans la "
    "confirmation que vous avez reçue (par exemple DEM-2026-000042)."
)
ASK_LOOKUP_EMAIL = "Merci. Quelle adresse e-mail avez-vous indiquée lors du dépôt de cette demande ?"
BAD_REFERENCE = (
    "Je ne reconnais pas cette référence. Elle se compose de trois lettres, de l'année et de "
    "six chiffres, par exemple DEM-2026-000042. Pouvez-vous la vérifier ?"
)
BAD_EMAIL = (
    "Cette adresse e-mail ne semble pas valide (exemple : prenom.nom@entreprise.be). "
    "Pouvez-vous la saisir à nouveau ?"
)
STATUS_NOT_FOUND = (
    "Je ne trouve aucune demande correspondant à cette référence et à cette adresse e-mail. "
    "Vérifiez-les dans votre confirmation, ou appelez le Service Clientèle au "
    f"{PHONE_AND_HOURS}."
)
STORE_UNAVAILABLE = (
    "Désolé, je ne parviens pas à consulter les demandes pour le moment. Réessayez dans "
    f"quelques minutes, ou appelez le Service Clientèle au {PHONE_AND_HOURS}."
)
STATUS_LABELS = {
    "received": "reçue, elle sera traitée prochainement",
    "in_progress": "en cours de traitement",
    "waiting_for_customer": "en attente d'informations de votre part",
    "resolved": "traitée",
    "rejected": "clôturée sans suite",
}


def status_report(ticket: Ticket) -> str:
    """« Votre demande DEM-… est en cours de traitement (dernière mise à jour : …). »"""
    updated = ticket.updated_at.astimezone(BRUSSELS)
    return (f"Votre demande {ticket.reference} est {STATUS_LABELS[ticket.status.value]} "
            f"(dernière mise à jour : {format_date_fr(updated.date())} à "
            f"{updated:%H}h{updated:%M}).")
