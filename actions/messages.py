"""French copy of the messages that actions send (form prompts, checks, composed replies).

Static replies live in ``domain.yml``; these are here because Rasa 3.6's validator counts a
domain response as unused unless a rule or story utters it (form prompts included), and
these are uttered by actions only.
"""
from __future__ import annotations

from bot.db.tables import Ticket
from bot.facts import (
    OPENING_HOURS,
    PHONE_AND_HOURS,
    POSTAL_ADDRESS,
    SERVICE_TIMEZONE,
    TicketKind,
    format_reference,
)
from bot.payloads import Payload
from bot.validation import format_date_fr

EXAMPLE_REFERENCE = format_reference(TicketKind.REQUEST, 2026, 42)

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
    {"title": "Parler à un conseiller", "payload": Payload.TALK_TO_HUMAN},
    {"title": "Soumettre une demande", "payload": Payload.SUBMIT_REQUEST},
]

ASK_REFERENCE = (
    "Je regarde où en est votre demande. Quelle est sa référence ? Elle figure dans la "
    f"confirmation que vous avez reçue (par exemple {EXAMPLE_REFERENCE})."
)
ASK_LOOKUP_EMAIL = "Merci. Quelle adresse e-mail avez-vous indiquée lors du dépôt de cette demande ?"
BAD_REFERENCE = (
    "Je ne reconnais pas cette référence. Elle se compose de trois lettres, de l'année et de "
    f"six chiffres, par exemple {EXAMPLE_REFERENCE}. Pouvez-vous la vérifier ?"
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
    """« Votre demande <référence> est en cours de traitement (dernière mise à jour : …). »"""
    updated = ticket.updated_at.astimezone(SERVICE_TIMEZONE)
    return (f"Votre demande {ticket.reference} est {STATUS_LABELS[ticket.status.value]} "
            f"(dernière mise à jour : {format_date_fr(updated.date())} à "
            f"{updated:%H}h{updated:%M}).")


# --- intake flows --------------------------------------------------------------------

FLOW_ESCALATE = (
    "Je n'arrive pas à enregistrer cette réponse. Un conseiller du Service Clientèle peut "
    f"vous aider au {PHONE_AND_HOURS}. Vous pouvez aussi réessayer, ou abandonner cette demande :"
)
FLOW_ESCALATE_BUTTONS = [
    {"title": "Parler à un conseiller", "payload": Payload.TALK_TO_HUMAN},
    {"title": "Abandonner cette demande", "payload": Payload.STOP},
]
CONSENT_REFUSED = (
    "C'est noté : je n'enregistre aucune donnée et rien n'a été transmis. Vous pouvez "
    f"présenter votre demande par téléphone au Service Clientèle, au {PHONE_AND_HOURS}."
)
PASSPORT_NOTHING_TO_CANCEL = (
    "Bonne nouvelle : les licences Passport Advantage sont prépayées en une seule fois pour "
    "toute leur durée, elles n'ont donc pas besoin de demande d'annulation. Il n'y a rien à "
    "résilier et je n'ai rien enregistré. Puis-je vous aider pour autre chose ?"
)
STORE_FAILED = (
    "Désolé, un problème technique m'empêche d'enregistrer votre demande pour le moment : "
    "rien n'a été enregistré. Vos réponses sont conservées ; vous pouvez réessayer dans "
    f"quelques instants, ou appeler le Service Clientèle au {PHONE_AND_HOURS}."
)
STORE_FAILED_BUTTONS = [{"title": "Réessayer l'envoi", "payload": Payload.RETRY_SUBMISSION}]
NOTHING_TO_SUBMIT = (
    "Je n'ai aucune demande en attente d'envoi. Pour en commencer une, dites-moi ce que vous "
    "souhaitez faire."
)
FOLLOW_UP = ("Conservez cette référence : pour suivre votre demande, demandez-moi simplement "
             "« où en est ma demande ? ».")


def corrected(label: str, value: str) -> str:
    return f"C'est corrigé : {label.lower()} → {value}."


def _end_date(ticket: Ticket) -> str:
    """The requested end date of a notice, in French (every notice has one)."""
    if ticket.requested_end_date is None:
        raise ValueError(f"{ticket.reference} is a notice without an end date")
    return format_date_fr(ticket.requested_end_date)


def filed(flow: str, ticket: Ticket) -> str:
    """The confirmation that a flow's ticket is filed, with its reference and next steps."""
    if flow == "maintenance":
        signed = ticket.signed_at.astimezone(SERVICE_TIMEZONE) if ticket.signed_at else None
        when = f" le {format_date_fr(signed.date())} à {signed:%H}h{signed:%M}" if signed else ""
        return (
            f"Votre préavis de résiliation est enregistré sous la référence {ticket.reference}, "
            f"signé par {ticket.signature_name}{when}, pour une fin de contrat le "
            f"{_end_date(ticket)}.\n\n"
            "Pour rappel, une résiliation de contrat de maintenance se fait par écrit, en "
            "précisant le numéro de contrat et les coordonnées du point de contact ; les "
            f"notifications doivent être signées et envoyées à :\n{POSTAL_ADDRESS}\n\n"
            "Le Service Clientèle vous confirmera la prise en compte de ce préavis, ou vous "
            f"dira s'il faut le compléter.\n\n{FOLLOW_UP}")
    if flow == "licence":
        return (
            f"Votre demande de résiliation est enregistrée sous la référence {ticket.reference}, "
            f"pour une fin de licence le {_end_date(ticket)}.\n\n"
            "Important : au moment de l'annulation, toutes les copies du logiciel doivent être "
            "détruites et une confirmation de cette destruction doit être envoyée à IBM. "
            f"Pensez à l'envoyer en rappelant la référence {ticket.reference}.\n\n{FOLLOW_UP}")
    if flow == "copy":
        return (
            f"Votre demande de copie du contrat {ticket.contract_number} est enregistrée sous la "
            f"référence {ticket.reference}. Le Service Clientèle vous l'enverra à l'adresse "
            f"{ticket.email}.\n\n{FOLLOW_UP}")
    return (
        f"Votre demande est enregistrée sous la référence {ticket.reference}. Le Service "
        f"Clientèle vous répondra à l'adresse {ticket.email}.\n\n{FOLLOW_UP}")


# --- handoff ---------------------------------------------------------------------------

NOT_HELPFUL_SORRY = "Je suis désolé que ma réponse ne vous ait pas aidé."
AGENTS_AWAY_BUTTONS = [{"title": "Laisser une demande écrite", "payload": Payload.SUBMIT_REQUEST}]
HANDOFF_FAILED = (
    "Désolé, je ne parviens pas à joindre un conseiller pour le moment. Vous pouvez appeler le "
    f"Service Clientèle au {PHONE_AND_HOURS}."
)
ASK_RATING = ("La conversation avec le conseiller est terminée. Êtes-vous satisfait de l'aide "
              "reçue ? Donnez une note de 1 (pas du tout) à 5 (tout à fait) :")
RATING_BUTTONS = [{"title": str(n), "payload": f'/rate{{"rating": "{n}"}}'} for n in range(1, 6)]
THANKS_FOR_RATING = "Merci pour votre avis ! Puis-je vous aider pour autre chose ?"


def agents_away(back: str) -> str:
    return (f"Nos conseillers sont disponibles {OPENING_HOURS} (sauf jours "
            f"fériés) ; ils seront de retour {back}. Vous pouvez laisser dès maintenant une "
            "demande écrite : elle sera traitée à leur retour.")


# The gateway takes this payload (or a typed "annuler") out of the queue: bot/web/customer.py.
LEAVE_QUEUE_BUTTONS = [{"title": "Quitter la file d'attente", "payload": Payload.STOP}]


def queued(position: int) -> str:
    place = "le premier" if position == 1 else f"n° {position}"
    return ("Je vous mets en relation avec un conseiller du Service Clientèle. Vous êtes "
            f"{place} dans la file d'attente ; il vous répondra ici même. Vous pouvez déjà "
            "décrire votre question.")
