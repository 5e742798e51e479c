"""Spellings of one field's vocabulary terms (centre casework, BNSS sections), English and Hindi.

The shared synonyms of :mod:`geo.ingest.parsing` map a spelling onto one term wherever it is
allowed ("FIR" is an incident's ``case-registered``); a field's own spellings here take
precedence for that field only ("FIR" is a complaint's ``fir`` route and ``fir-registered``
outcome; "छेड़छाड़" is a complaint of ``harassment``). Matched after
:func:`geo.i18n.keys.fold` (case, spacing, punctuation and nukta do not matter).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from types import MappingProxyType
from typing import Final

from geo.centre import AGE_BAND, BNSS_SECTION, CASE_OUTCOME, CASE_ROUTE, CASE_TYPE
from geo.i18n.keys import fold

#: Field → spelling → term.
FIELD_SYNONYMS: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        CASE_TYPE: {
            "domestic": "domestic-family-dispute",
            "domestic dispute": "domestic-family-dispute",
            "family dispute": "domestic-family-dispute",
            "domestic/family dispute": "domestic-family-dispute",
            "domestic violence": "domestic-family-dispute",
            "marital dispute": "domestic-family-dispute",
            "husband wife dispute": "domestic-family-dispute",
            "dowry": "domestic-family-dispute",
            "eve-teasing": "harassment",
            "eve teasing": "harassment",
            "sexual harassment": "harassment",
            "molestation": "harassment",
            "cyber crime": "cyber",
            "cybercrime": "cyber",
            "online harassment": "cyber",
            "social media": "cyber",
            "घरेलू विवाद": "domestic-family-dispute",
            "पारिवारिक विवाद": "domestic-family-dispute",
            "घरेलू/पारिवारिक विवाद": "domestic-family-dispute",
            "पति पत्नी विवाद": "domestic-family-dispute",
            "पति-पत्नी विवाद": "domestic-family-dispute",
            "घरेलू हिंसा": "domestic-family-dispute",
            "दहेज": "domestic-family-dispute",
            "छेड़छाड़": "harassment",
            "छेड़खानी": "harassment",
            "उत्पीड़न": "harassment",
            "यौन उत्पीड़न": "harassment",
            "पीछा करना": "stalking",
            "पीछा": "stalking",
            "साइबर": "cyber",
            "साइबर अपराध": "cyber",
            "साइबर क्राइम": "cyber",
            "ऑनलाइन उत्पीड़न": "cyber",
            "अन्य": "other",
        },
        CASE_ROUTE: {
            "counseling": "counselling",
            "counselled": "counselling",
            "counsellng": "counselling",
            "fir registered": "fir",
            "case registered": "fir",
            "refer": "referred",
            "referral": "referred",
            "परामर्श": "counselling",
            "काउंसलिंग": "counselling",
            "एफआईआर": "fir",
            "मुकदमा": "fir",
            "मुकदमा दर्ज": "fir",
            "रेफर": "referred",
            "अन्यत्र भेजा": "referred",
            "संदर्भित": "referred",
        },
        CASE_OUTCOME: {
            "reunited after counselling": "reunited",
            "reconciled": "reunited",
            "compromise": "reunited",
            "settled": "reunited",
            "fir": "fir-registered",
            "case registered": "fir-registered",
            "closed": "disposed",
            "disposed of": "disposed",
            "under process": "pending",
            "in process": "pending",
            "open": "pending",
            "सुलह": "reunited",
            "पुनर्मिलन": "reunited",
            "सुलह/पुनर्मिलन": "reunited",
            "समझौता": "reunited",
            "परामर्श से सुलह": "reunited",
            "एफआईआर दर्ज": "fir-registered",
            "मुकदमा दर्ज": "fir-registered",
            "एफआईआर": "fir-registered",
            "निस्तारित": "disposed",
            "निस्तारण": "disposed",
            "लंबित": "pending",
            "लम्बित": "pending",
            "विचाराधीन": "pending",
        },
        AGE_BAND: {
            "below 18": "under-18",
            "under 18": "under-18",
            "minor": "under-18",
            "0-17": "under-18",
            "<18": "under-18",
            "36+": "36-plus",
            "above 35": "36-plus",
            "36 and above": "36-plus",
            "नाबालिग": "under-18",
            "18 से कम": "under-18",
            "अज्ञात": "unknown",
        },
        BNSS_SECTION: {
            **{
                f"{prefix}{number}{suffix}": number
                for number in ("126", "135", "170")
                for prefix, suffix in (
                    ("u/s ", ""),
                    ("u/s ", " bnss"),
                    ("section ", ""),
                    ("section ", " bnss"),
                    ("sec ", ""),
                    ("", " bnss"),
                    ("bnss ", ""),
                    ("धारा ", ""),
                    ("धारा ", " बीएनएसएस"),
                    ("", " बीएनएसएस"),
                )
            },
        },
    }
)


@cache
def _folded(field_name: str) -> Mapping[str, str]:
    """Return a field's folded spellings → terms."""
    return MappingProxyType(
        {fold(spelling): term for spelling, term in FIELD_SYNONYMS.get(field_name, {}).items()}
    )


def field_terms(field_name: str, allowed: Iterable[str]) -> dict[str, str]:
    """Return a field's own spellings, folded, mapped onto the ``allowed`` terms they name.

    Examples
    --------
    >>> terms = field_terms("case_outcome", ["reunited", "pending"])
    >>> terms[fold("लंबित")], terms[fold("सुलह/पुनर्मिलन")]
    ('pending', 'reunited')
    """
    chosen = set(allowed)
    return {k: v for k, v in _folded(field_name).items() if v in chosen}
