"""The one place for document conventions that structure detection relies on.

Every rule is a marker that Dutch policy advisories print, not a title typed in by hand:

* ``CHAPTER`` – chapter headings ("Hoofdstuk 5 | …", "6 Conclusie en aanbevelingen").
* ``ADVICE_CHAPTER`` – which chapter holds the advice (SER Overijssel: "Advies SER Overijssel").
* ``ANNEX`` – headings that end the advice chapter although they are not chapters (the
  expert-meeting report appended to SER Overijssel).
* ``SUMMARY_TABLE_HEADER`` – the header row of a summary table of recommendations
  (SER Overijssel: "Onderwerp Aanbevelingen").
* ``MAIN_RECOMMENDATION`` – "Hoofdaanbeveling N: …" (AI en werk).
* ``BEST_PRACTICE`` – boxes headed "Best practice …", "Voorbeeld: …", "Praktijkvoorbeeld …".
* ``EXAMPLE_HINT`` – a sub-heading whose next paragraph says "… is een voorbeeld van …" is
  treated as a best-practice box too (SER Overijssel's Perron 038).
* ``SKIP_SECTIONS`` – back matter that is not indexed (table of contents, bibliography).
"""

from __future__ import annotations

import re

CHAPTER = re.compile(
    r"^(?:Hoofdstuk\s+\d+\s*\||Bijlagen?\b(?!.*\s\d+$)|Samenvatting$|\d{1,2}\s+[A-Z][a-z][^,]*[^.,\d]$)"
)
ADVICE_CHAPTER = re.compile(r"\b(?:Advies|Aanbevelingen)\b")
ANNEX = re.compile(r"^(?:Verslag|Bijlage|Bijlagen)\b")
SUMMARY_TABLE_HEADER = re.compile(r"^Onderwerp\s+Aanbevelingen\s*$")
MAIN_RECOMMENDATION = re.compile(r"^Hoofdaanbeveling\s+(\d{1,2})\s*[:.]\s*(.+)$")
BEST_PRACTICE = re.compile(
    r"^(?:best\s+practice|praktijkvoorbeeld|voorbeeld:|voorbeelden uit de praktijk:)[\s:]*(.*)$", re.IGNORECASE
)
EXAMPLE_HINT = re.compile(r"\bis een voorbeeld van\b")
SKIP_SECTIONS = re.compile(r"^(?:Inhoud|Inhoudsopgave|Geraadpleegde literatuur|Literatuur|Literatuurlijst)\s*$")
