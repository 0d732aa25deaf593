"""Which language a text is written in, offline (upstream's language check).

The detector is lingua (``lingua-language-detector``, the library upstream uses): Rust-fast,
offline (its n-gram models ship in the wheel), actively maintained, and the most accurate of
the offline detectors on short texts such as exercise descriptions. It is limited to the
catalogue's languages (fewer candidates: fewer mistakes, less memory) and runs in lingua's
low-accuracy mode: trigram models only, ~50 MB and under a second to load once per process,
instead of ~380 MB and ~8 s for the full models; on texts of a sentence or more (a
description has at least 40 characters) both modes agree.

May import: lingua only (callers pass language codes), and only when a text is checked: a
worker that never checks one does not load it (about 10 MB of code and tables per process).
"""

from __future__ import annotations

import dataclasses
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingua import Language, LanguageDetector

# Catalogue codes lingua names differently: Norwegian is written Bokmål or Nynorsk.
ALIASES = {"no": ("nb", "nn")}

_lock = threading.Lock()
_detector: LanguageDetector | None = None
_codes: dict[Language, str] = {}


def _lingua_languages(code: str) -> list[Language]:
    from lingua import IsoCode639_1, Language

    languages = []
    for candidate in ALIASES.get(code, (code,)):
        iso = getattr(IsoCode639_1, candidate.upper(), None)
        if iso is not None:
            languages.append(Language.from_iso_code_639_1(iso))
    return languages


def supported(code: str) -> bool:
    return bool(_lingua_languages(code))


CATALOGUE_CODES = [
    "de",
    "en",
    "bg",
    "es",
    "ru",
    "nl",
    "pt",
    "el",
    "cs",
    "sv",
    "no",
    "fr",
    "it",
    "pl",
    "uk",
    "tr",
    "ar",
    "az",
    "eo",
    "fa",
    "he",
    "hr",
    "id",
    "zh",
    "sk",
    "sl",
    "ko",
    "th",
    "sr",
    "ta",
    "ro",
    "ca",
    "fi",
]


def detector() -> LanguageDetector:
    """The process's detector, built on first use."""
    global _detector
    from lingua import LanguageDetectorBuilder

    with _lock:
        if _detector is None:
            for code in CATALOGUE_CODES:
                for language in _lingua_languages(code):
                    _codes[language] = code
            _detector = (
                LanguageDetectorBuilder.from_languages(*_codes).with_low_accuracy_mode().build()
            )
        return _detector


def detect(text: str) -> str | None:
    """The catalogue code of the language ``text`` is in, or None when it cannot tell."""
    found = detector().detect_language_of(text)
    return None if found is None else _codes.get(found)


@dataclasses.dataclass(frozen=True)
class Check:
    result: bool
    detected: str | None


# A short text (a comment: "Keep the elbows in") is too short for the detector's first
# choice to be trusted in low-accuracy mode (it says Polish there); it passes unless another
# language is at least this many times as likely as the one given.
SHORT_TEXT_ODDS = 4.0


def plausible(text: str, code: str) -> Check:
    """Whether a short ``text`` may be in language ``code``: refused only when it is clearly
    in another one (``SHORT_TEXT_ODDS``). A language the detector does not know passes."""
    if not supported(code):
        return Check(True, None)
    values = detector().compute_language_confidence_values(text)
    if not values:
        return Check(False, None)
    top = values[0]
    given = max(
        (value.value for value in values if _codes.get(value.language) == code), default=0.0
    )
    detected = _codes.get(top.language)
    return Check(detected == code or given * SHORT_TEXT_ODDS >= top.value, detected)


def check(text: str, code: str) -> Check:
    """Whether ``text`` is written in language ``code``. A language the detector does not know
    cannot be checked and passes."""
    if not supported(code):
        return Check(True, None)
    detected = detect(text)
    return Check(detected == code, detected)
