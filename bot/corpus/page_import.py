"""``python -m bot corpus import PAGE``: draft corpus entries from an FAQ page (text or HTML).

A question is a short block ending with "?"; its answer is the blocks after it, up to the
next question, a heading (in plain text: a short line without final punctuation), or (in
plain text) a gap of two blank lines, which is how such pages separate their sections. Drafts get a stable id from the question, the question as
the source section, the answer verbatim, and the phone numbers and e-mail addresses of the
answer as key facts; a maintainer reviews them and adds paraphrases.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from bot.text import fold_accents

MAX_QUESTION_LENGTH = 200
_PHONE = re.compile(r"(?:\+32 ?\(0\) ?\d(?:[ .]?\d{2,3}){3,4})|(?:\b0 ?8\d{2}(?: \d{3}){2}\b)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "section", "article", "br", "tr", "table",
               "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "header", "footer", "main"}


@dataclass(frozen=True)
class Block:
    text: str
    heading: bool = False       # an HTML heading
    html: bool = False          # read from HTML (headings are tags, not guessed)
    gap_before: int = 1         # blank lines before it (plain text)


@dataclass(frozen=True)
class Draft:
    question: str
    answer: str

    @property
    def id(self) -> str:
        return entry_id(self.question)

    def as_entry(self) -> dict[str, Any]:
        facts = list(dict.fromkeys(_PHONE.findall(self.answer) + _EMAIL.findall(self.answer)))
        return {"id": self.id, "category": "À classer", "source": self.question,
                "question": french_question(self.question), "answer": self.answer,
                "key_facts": facts, "buttons": [], "paraphrases": []}


def entry_id(question: str) -> str:
    """A stable snake_case id from the question's words ("Comment activer …?" -> …)."""
    words = re.findall(r"[a-z0-9]+", fold_accents(question))
    slug = "_".join(words)[:60].rstrip("_")
    return slug if re.match(r"^[a-z]", slug) else f"q_{slug}"[:60]


def french_question(question: str) -> str:
    """French typography: a space before the question mark."""
    return re.sub(r"\s*\?$", " ?", " ".join(question.split()))


def text_blocks(text: str) -> list[Block]:
    """Paragraphs of a plain-text page with the number of blank lines before each."""
    blocks, lines, gap = [], [], 0
    for line in text.splitlines() + [""]:
        if line.strip():
            lines.append(line.strip())
            continue
        if lines:
            blocks.append(Block("\n".join(lines), gap_before=gap))
            lines, gap = [], 0
        gap += 1
    return blocks


class _HtmlBlocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._text: list[str] = []
        self._heading = False
        self._skip = 0

    def _flush(self) -> None:
        text = " ".join("".join(self._text).split())
        if text:
            self.blocks.append(Block(text, heading=self._heading, html=True))
        self._text, self._heading = [], False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "nav"}:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self._flush()
            self._heading = tag in {"h1", "h2", "h3", "h4", "h5", "h6", "dt"}

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "nav"}:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._text.append(data)


def html_blocks(page: str) -> list[Block]:
    parser = _HtmlBlocks()
    parser.feed(page)
    parser.close()
    parser._flush()
    return parser.blocks


def is_heading(block: Block) -> bool:
    """An HTML heading, or a short single line without final punctuation ("Vos factures")."""
    text = block.text.strip()
    if block.html:
        return block.heading
    return "\n" not in text and len(text) <= 60 and not re.search(r"[.:;!?,)»\"\d]$", text)


def is_question(block: Block) -> bool:
    return ("\n" not in block.text and block.text.rstrip().endswith("?")
            and len(block.text) <= MAX_QUESTION_LENGTH)


def drafts(blocks: list[Block]) -> list[Draft]:
    """Question/answer pairs; questions without an answer are left out."""
    found: list[Draft] = []
    question: str | None = None
    answer: list[str] = []

    def close() -> None:
        # An answer ending with ":" introduces what the page does not contain (a form).
        if question and answer and not answer[-1].rstrip().endswith(":"):
            found.append(Draft(question, "\n\n".join(answer)))

    for block in blocks:
        if is_question(block):
            close()
            question, answer = block.text.strip(), []
        elif question and (is_heading(block) or (answer and block.gap_before >= 2)):
            close()
            question, answer = None, []
        elif question:
            answer.append(block.text)
    close()
    return found


def import_page(page: Path) -> list[Draft]:
    """The drafts of a page; HTML is recognised by its markup."""
    text = page.read_text(encoding="utf-8")
    looks_html = bool(re.search(r"<(html|body|p|div|h[1-6])\b", text, re.IGNORECASE))
    return drafts(html_blocks(text) if looks_html else text_blocks(text))


def write_drafts(found: list[Draft], out: Path) -> list[Path]:
    """One ``<id>.yml`` per draft in ``out`` (outside the corpus until reviewed)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for draft in found:
        path = out / f"{draft.id}.yml"
        path.write_text(yaml.safe_dump(draft.as_entry(), allow_unicode=True, sort_keys=False,
                                       width=100), encoding="utf-8")
        written.append(path)
    return written
