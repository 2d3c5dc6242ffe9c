"""French copy of the messages that actions compose at run time (buttons vary per turn).

Static replies live in ``domain.yml``; these are here because Rasa's validator counts a
domain response as unused unless a rule or story utters it, and these are uttered by
actions only.
"""
from __future__ import annotations

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
