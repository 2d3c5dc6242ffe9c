"""Replace a customer's personal data in sentences by placeholders (rasa environment: spaCy).

``python -m bot.nlu.pii`` reads a JSON list of sentences on stdin and writes the redacted
list: e-mail addresses, phone numbers, contract or request numbers (by pattern) and
people's names (spaCy's French named entities, label PER).
"""
from __future__ import annotations

import json
import re
import sys

SPACY_MODEL = "fr_core_news_md"
PHONE = re.compile(r"(?<![\w/-])\+?\(?\d[\d\s().\/-]{6,}\d(?![\w/-])")
PATTERNS = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "<email>"),
    # letters and digits mixed, or digits with separators; dates ("31/12/2026") are kept
    (re.compile(r"(?<![\w./-])(?!\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?\b)"
                r"(?!\d{4}-\d{2}-\d{2}\b)(?!\d{1,2}h\d{0,2}\b)(?=(?:[^\d\s]*\d){4})"
                r"(?=[\w./-]*[A-Za-z/.-])[A-Za-z0-9][\w./-]{3,29}\b"), "<numéro>"),
)


def _phone(match: re.Match[str]) -> str:
    """Nine digits or more make a phone number (dates and contract numbers have fewer)."""
    return "<téléphone>" if sum(c.isdigit() for c in match[0]) >= 9 else match[0]


def redact_patterns(text: str) -> str:
    text = PHONE.sub(_phone, text)
    for pattern, placeholder in PATTERNS:
        text = pattern.sub(placeholder, text)
    return text


def redact(sentences: list[str]) -> list[str]:
    """Each sentence with its personal data replaced."""
    import spacy

    nlp = spacy.load(SPACY_MODEL, disable=["parser", "lemmatizer", "morphologizer",
                                            "attribute_ruler", "senter"])
    out = []
    for doc in nlp.pipe([redact_patterns(s) for s in sentences]):
        text = doc.text
        for entity in reversed([e for e in doc.ents if e.label_ == "PER"]):
            text = text[:entity.start_char] + "<nom>" + text[entity.end_char:]
        out.append(text)
    return out


if __name__ == "__main__":
    json.dump(redact(json.load(sys.stdin)), sys.stdout, ensure_ascii=False)
