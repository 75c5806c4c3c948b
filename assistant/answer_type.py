"""What kind of answer a question asks for, and whether the strongest passages hold one.

A near-domain question often names a topic the sources discuss and asks for a fact they do not
give: "Hoe hoog is de boete als ik de AI-verordening overtreed?" (the AI Act is discussed, its fines
are not), "Wat zijn de openingstijden van het Ondernemershuis?". Whatever the evidence for the topic,
such a question is answered only when a passage about the topic holds an answer of the asked type:
an amount or count (a number that is no year), a year or date, or contact details. Answer-type
checking of this kind is classic in extractive question answering (e.g. Harabagiu et al. 2000).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

from ingest.text import fold

__all__ = ["AnswerType", "asked_type", "types_in"]


class AnswerType(StrEnum):
    AMOUNT = "amount"  # a count, an amount of money, a percentage
    YEAR = "year"  # a year or a date
    CONTACT = "contact"  # a telephone number, an address, opening hours, a web or e-mail address


_ASKS = (
    (
        AnswerType.CONTACT,
        re.compile(
            r"\b(?:telefoonnummer|telefoon|e-?mailadres|adres|openingstijden|website|bellen|"
            r"phone(?: number)?|e-?mail address|opening hours|address)\b"
        ),
    ),
    (
        AnswerType.AMOUNT,
        re.compile(
            r"\b(?:hoeveel|hoe hoog|hoe groot|welk bedrag|welke bedragen|hoeveel procent|welk percentage|"
            r"in euro'?s|how much|how many|what percentage|what amount)\b|"
            # "Wat is het wettelijk minimumloon per uur?": what a sum of money or a rate is
            r"^(?:en )?(?:wat|what) (?:is|zijn|was|bedraagt|are|was) (?:de |het |een |the |a )?(?:\w+ ){0,2}"
            r"(?:\w*loon|\w*lonen|salaris\w*|\w*bedrag\w*|tarief|tarieven|prijs|prijzen|kosten|boete\w*|"
            r"percentage|premie\w*|\w*vergoeding|\w*belasting|\w*omzet|winst|budget|"
            r"wage|salary|fine|fee|rate|price|cost|turnover|revenue|profit|budget)\b"
        ),
    ),
    # "wanneer"/"when" ask a date only at the start of the question; elsewhere they join clauses
    (
        AnswerType.YEAR,
        re.compile(
            r"^(?:en |and )?(?:wanneer|when)\b|\b(?:in welk jaar|sinds wanneer|tot wanneer|which year|what year)\b|"
            # "Wat is de deadline voor een aanvraag?": what a date is
            r"^(?:en )?(?:wat|what) (?:is|zijn|was|are) (?:de |het |the )?(?:\w+ ){0,2}"
            r"(?:deadline|\w*datum|termijn|date|due date)\b"
        ),
    ),
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_NUMBER_WORDS = (
    r"twee|drie|vier|vijf|zes|zeven|acht|negen|tien|twintig|dertig|veertig|vijftig|honderd|duizend|"
    r"miljoen|miljard|procent|helft|kwart|derde|dubbel|verdubbel\w*"
)
_AMOUNT = re.compile(rf"(?:€|%|\b(?:{_NUMBER_WORDS})\b)")
_NUMBER = re.compile(r"(?:(\w+)\s+)?\b(\d+(?:[.,]\d+)*)\b(?=(?:\s+(\w+))?)")
# a number after these words points somewhere ("artikel 48", "bijlage 3", "p. 12"), it is no amount
_REFERENCE = frozenset(
    [
        "artikel",
        "artikelen",
        "bijlage",
        "bijlagen",
        "hoofdstuk",
        "paragraaf",
        "pagina",
        "p",
        "blz",
        "figuur",
        "tabel",
        "lid",
        "aanbeveling",
        "thema",
        "article",
        "annex",
        "chapter",
        "section",
        "page",
        "figure",
        "table",
        "recommendation",
    ]
)
_DATE = re.compile(r"\b(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)\b")
_CONTACT = re.compile(r"\b0\d{1,3}[- ]?\d{6,8}\b|\bwww\.|https?://|@\w+\.\w+|\b\d{1,2}[.:]\d{2} ?(?:uur|-)")


def asked_type(question: str) -> AnswerType | None:
    """The type of answer the question asks for, if it asks a fact of one ("hoeveel", "wanneer", …)."""
    asked = [s for s in _SENTENCE.split(question.strip()) if s.rstrip().endswith("?")] or [question]
    for sentence in asked:  # the sentences that ask, not those that tell the asker's situation
        folded = fold(sentence).strip()
        for kind, pattern in _ASKS:
            if pattern.search(folded):
                return kind
    return None


def types_in(texts: Iterable[str]) -> frozenset[AnswerType]:
    """The answer types the texts hold."""
    found: set[AnswerType] = set()
    for text in texts:
        folded = fold(text)
        if _AMOUNT.search(folded) or any(_is_amount(m) for m in _NUMBER.finditer(folded)):
            found.add(AnswerType.AMOUNT)
        if _YEAR.search(folded) or _DATE.search(folded):
            found.add(AnswerType.YEAR)
        if _CONTACT.search(text):
            found.add(AnswerType.CONTACT)
    return frozenset(found)


def _is_amount(match: re.Match[str]) -> bool:
    """A count or sum: no year, no reference ("artikel 48"), no date ("2 augustus"), no section number
    ("6.3": Dutch writes decimals with a comma and thousands as "1.000")."""
    before, number, after = match.group(1), match.group(2), match.group(3)
    if _YEAR.fullmatch(number) or (before and before in _REFERENCE) or (after and _DATE.fullmatch(after)):
        return False  # a year, a reference, a date ("2 augustus")
    return not re.fullmatch(r"\d+\.\d{1,2}(?:\.\d+)*", number)
