"""Approximate geography of the demo Commissionerate: stations, places, colleges, the outline."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, NamedTuple

# --------------------------------------------------------------------------- geography


class Station(NamedTuple):
    """A police station (thana) of the demo Commissionerate; its position is approximate."""

    name: str
    name_hi: str
    zone: str
    lon: float
    lat: float
    urban: bool


#: The 29 thanas: name, Hindi name, zone, approximate station position, urban or not.
STATIONS: Final[tuple[Station, ...]] = (
    Station("Dashashwamedh", "दशाश्वमेध", "Kashi", 83.0075, 25.3055, True),
    Station("Chowk", "चौक", "Kashi", 83.0118, 25.3128, True),
    Station("Kotwali", "कोतवाली", "Kashi", 83.0160, 25.3195, True),
    Station("Adampur", "आदमपुर", "Kashi", 83.0255, 25.3262, True),
    Station("Jaitpura", "जैतपुरा", "Kashi", 83.0085, 25.3255, True),
    Station("Luxa", "लक्सा", "Kashi", 83.0000, 25.3075, True),
    Station("Bhelupur", "भेलूपुर", "Kashi", 82.9995, 25.2940, True),
    Station("Lanka", "लंका", "Kashi", 82.9985, 25.2775, True),
    Station("Chetganj", "चेतगंज", "Kashi", 83.0025, 25.3170, True),
    Station("Ramnagar", "रामनगर", "Kashi", 83.0265, 25.2725, False),
    Station("Cantt", "कैंट", "Varuna", 82.9800, 25.3290, True),
    Station("Sigra", "सिगरा", "Varuna", 82.9870, 25.3140, True),
    Station("Shivpur", "शिवपुर", "Varuna", 82.9580, 25.3560, True),
    Station("Sarnath", "सारनाथ", "Varuna", 83.0225, 25.3775, True),
    Station("Lalpur-Pandeypur", "लालपुर-पांडेयपुर", "Varuna", 82.9990, 25.3450, True),
    Station("Chaubeypur", "चौबेपुर", "Varuna", 83.0600, 25.4030, False),
    Station("Cholapur", "चोलापुर", "Varuna", 82.9700, 25.4060, False),
    Station("Phoolpur", "फूलपुर", "Varuna", 82.8950, 25.4020, False),
    Station("Baragaon", "बड़ागांव", "Varuna", 82.8750, 25.3650, False),
    Station("Sindhora", "सिंधोरा", "Varuna", 82.9300, 25.3880, False),
    Station("Pindra", "पिंडरा", "Varuna", 82.8630, 25.4080, False),
    Station("Rohania", "रोहनिया", "Gomti", 82.9350, 25.2520, False),
    Station("Manduadih", "मंडुवाडीह", "Gomti", 82.9720, 25.2930, True),
    Station("Mirzamurad", "मिर्ज़ामुराद", "Gomti", 82.8750, 25.2300, False),
    Station("Kapsethi", "कपसेठी", "Gomti", 82.8800, 25.2950, False),
    Station("Janshi", "जंसा", "Gomti", 82.9100, 25.3250, False),
    Station("Lohta", "लोहता", "Gomti", 82.9380, 25.2950, False),
    Station("Chitaipur", "चितईपुर", "Gomti", 82.9800, 25.2710, True),
    Station("Rajatalab", "राजातालाब", "Gomti", 82.9150, 25.2100, False),
)

# Approximate outline of the demo Commissionerate (lon, lat), clockwise from the north-west.
# The east side follows the west bank of the Ganga from the Varuna confluence down to Assi,
# then crosses the river to take in Ramnagar; the rest is a rough rural boundary kept inside
# the default region box VARANASI_BBOX.
OUTLINE: Final = (
    (82.8600, 25.4150), (82.9600, 25.4180), (83.0300, 25.4180), (83.0720, 25.4100),
    (83.0850, 25.3850), (83.0780, 25.3600), (83.0620, 25.3420), (83.0500, 25.3320),
    (83.0460, 25.3290),  # Varuna–Ganga confluence; the Ganga's west bank follows
    (83.0390, 25.3260), (83.0348, 25.3243), (83.0252, 25.3218), (83.0222, 25.3201),
    (83.0186, 25.3172), (83.0160, 25.3120), (83.0148, 25.3103), (83.0133, 25.3088),
    (83.0120, 25.3063), (83.0110, 25.3003), (83.0097, 25.2938), (83.0084, 25.2884),
    (83.0082, 25.2855),  # below Assi the outline crosses the river to take in Ramnagar
    (83.0420, 25.2855), (83.0460, 25.2600), (83.0300, 25.2380), (83.0000, 25.2150),
    (82.9600, 25.2000), (82.9000, 25.1900), (82.8650, 25.2050), (82.8550, 25.2600),
    (82.8580, 25.3400),
)  # fmt: skip


class _Place(NamedTuple):
    name: str
    name_hi: str
    lon: float
    lat: float
    weight: float
    trend: int = 0  # +1 emerging hotspot, -1 fading hotspot


class _College(NamedTuple):
    name: str
    name_hi: str
    lon: float
    lat: float
    students: int
    opens: str
    disperses: str


COLLEGES: Final = (
    _College(
        "Banaras Hindu University",
        "काशी हिन्दू विश्वविद्यालय",
        82.9914,
        25.2677,
        30_000,
        "08:00",
        "13:00;17:00",
    ),
    _College(
        "Mahila Mahavidyalaya, BHU",
        "महिला महाविद्यालय, बीएचयू",
        82.9952,
        25.2702,
        3_000,
        "09:00",
        "14:00;16:00",
    ),
    _College(
        "Mahatma Gandhi Kashi Vidyapith",
        "महात्मा गांधी काशी विद्यापीठ",
        82.9835,
        25.3222,
        20_000,
        "09:00",
        "14:00;16:00",
    ),
    _College(
        "Sampurnanand Sanskrit University",
        "सम्पूर्णानन्द संस्कृत विश्वविद्यालय",
        83.0048,
        25.3292,
        5_000,
        "10:00",
        "15:00",
    ),
    _College(
        "Harish Chandra PG College",
        "हरिश्चन्द्र पीजी कॉलेज",
        83.0122,
        25.3178,
        6_000,
        "09:00",
        "13:00;15:00",
    ),
    _College("Agrasen PG College", "अग्रसेन पीजी कॉलेज", 83.0030, 25.3205, 3_500, "09:00", "14:00"),
    _College(
        "Udai Pratap College", "उदय प्रताप कॉलेज", 82.9845, 25.3378, 8_000, "09:00", "14:00;16:00"
    ),
    _College(
        "Vasanta College for Women, Rajghat",
        "वसंत महिला महाविद्यालय, राजघाट",
        83.0335,
        25.3280,
        2_000,
        "09:00",
        "14:00",
    ),
    _College(
        "Arya Mahila PG College", "आर्य महिला पीजी कॉलेज", 83.0002, 25.3138, 3_000, "09:00", "14:00"
    ),
    _College("DAV PG College", "डीएवी पीजी कॉलेज", 83.0058, 25.3180, 4_000, "09:00", "14:00;16:00"),
    _College(
        "Vasant Kanya Mahavidyalaya, Kamachha",
        "वसंत कन्या महाविद्यालय, कमच्छा",
        82.9985,
        25.3002,
        2_500,
        "09:00",
        "14:00",
    ),
    _College(
        "Sunbeam College for Women, Bhagwanpur",
        "सनबीम महिला महाविद्यालय, भगवानपुर",
        82.9965,
        25.2630,
        2_000,
        "09:00",
        "14:00",
    ),
    _College(
        "Central Institute of Higher Tibetan Studies",
        "केन्द्रीय उच्च तिब्बती शिक्षा संस्थान",
        83.0205,
        25.3758,
        1_200,
        "09:00",
        "16:00",
    ),
)

MARKETS: Final = (
    _Place("Godowlia Market", "गोदौलिया बाज़ार", 83.0060, 25.3095, 10),
    _Place("Vishwanath Gali", "विश्वनाथ गली", 83.0098, 25.3102, 8),
    _Place("Dashashwamedh Market", "दशाश्वमेध बाज़ार", 83.0088, 25.3070, 7),
    _Place("Dal Mandi", "दालमंडी", 83.0082, 25.3128, 5),
    _Place("Nai Sadak", "नई सड़क", 83.0035, 25.3118, 5),
    _Place("Thatheri Bazar", "ठठेरी बाज़ार", 83.0105, 25.3150, 3),
    _Place("Chowk Market", "चौक बाज़ार", 83.0118, 25.3138, 5),
    _Place("Maidagin Market", "मैदागिन बाज़ार", 83.0135, 25.3188, 5),
    _Place(
        "Lahurabir Market", "लहुराबीर बाज़ार", 83.0075, 25.3225, 9, trend=-1
    ),  # the fading hotspot
    _Place("Luxa Road Market", "लक्सा रोड बाज़ार", 83.0005, 25.3088, 4),
    _Place("Rathyatra Market", "रथयात्रा बाज़ार", 82.9960, 25.3045, 4),
    _Place("Sigra Market", "सिगरा बाज़ार", 82.9882, 25.3148, 6),
    _Place("Mahmoorganj Market", "महमूरगंज बाज़ार", 82.9905, 25.3025, 4),
    _Place("Bhelupur Market", "भेलूपुर बाज़ार", 83.0002, 25.2955, 4),
    _Place("Lanka Market", "लंका बाज़ार", 82.9995, 25.2795, 7),
    _Place("Assi Market", "अस्सी बाज़ार", 83.0035, 25.2893, 4),
    _Place("Nadesar Market", "नदेसर बाज़ार", 82.9785, 25.3345, 3),
    _Place("Orderly Bazar", "अर्दली बाज़ार", 82.9715, 25.3365, 2),
    _Place("Pandeypur Market", "पांडेयपुर बाज़ार", 82.9985, 25.3462, 3),
    _Place("Sarnath Market", "सारनाथ बाज़ार", 83.0245, 25.3795, 3),
    _Place("Shivpur Bazar", "शिवपुर बाज़ार", 82.9590, 25.3545, 2),
    _Place("Manduadih Bazar", "मंडुवाडीह बाज़ार", 82.9708, 25.2922, 2),
    _Place("Rohania Bazar", "रोहनिया बाज़ार", 82.9365, 25.2535, 2),
    _Place("Chaubeypur Bazar", "चौबेपुर बाज़ार", 83.0590, 25.4010, 1),
    _Place("Cholapur Bazar", "चोलापुर बाज़ार", 82.9708, 25.4040, 1),
)

GHATS: Final = (
    _Place("Samne Ghat", "सामने घाट", 83.0105, 25.2740, 2),
    _Place("Assi Ghat", "अस्सी घाट", 83.0066, 25.2886, 8),
    _Place("Tulsi Ghat", "तुलसी घाट", 83.0070, 25.2903, 2),
    _Place("Shivala Ghat", "शिवाला घाट", 83.0079, 25.2937, 1.5),
    _Place("Harishchandra Ghat", "हरिश्चंद्र घाट", 83.0088, 25.2980, 2),
    _Place("Kedar Ghat", "केदार घाट", 83.0094, 25.3005, 2),
    _Place("Chausatti Ghat", "चौसट्टी घाट", 83.0100, 25.3037, 1),
    _Place("Dashashwamedh Ghat", "दशाश्वमेध घाट", 83.0104, 25.3066, 10),
    _Place("Man Mandir Ghat", "मान मंदिर घाट", 83.0109, 25.3078, 2),
    _Place("Lalita Ghat", "ललिता घाट", 83.0118, 25.3092, 2),
    _Place("Manikarnika Ghat", "मणिकर्णिका घाट", 83.0133, 25.3105, 4),
    _Place("Scindia Ghat", "सिंधिया घाट", 83.0144, 25.3122, 1.5),
    _Place("Panchganga Ghat", "पंचगंगा घाट", 83.0168, 25.3168, 2),
    _Place("Gai Ghat", "गाय घाट", 83.0200, 25.3200, 1),
    _Place("Trilochan Ghat", "त्रिलोचन घाट", 83.0232, 25.3218, 1),
    _Place("Raj Ghat", "राजघाट", 83.0320, 25.3252, 2),
    _Place("Namo Ghat", "नमो घाट", 83.0368, 25.3268, 8, trend=+1),  # an emerging hotspot
)

TRANSIT: Final = (
    _Place(
        "Varanasi Junction (Cantt) Railway Station",
        "वाराणसी जंक्शन (कैंट) रेलवे स्टेशन",
        82.9872,
        25.3268,
        6,
    ),
    _Place("Cantt Roadways Bus Station", "कैंट रोडवेज़ बस स्टेशन", 82.9905, 25.3238, 4),
    _Place("Banaras Railway Station (Manduadih)", "बनारस रेलवे स्टेशन (मंडुवाडीह)", 82.9735, 25.2890, 3),
    _Place("Varanasi City Railway Station", "वाराणसी सिटी रेलवे स्टेशन", 83.0228, 25.3318, 2),
    _Place("Kashi Railway Station", "काशी रेलवे स्टेशन", 83.0378, 25.3322, 2),
    _Place("Sarnath Railway Station", "सारनाथ रेलवे स्टेशन", 83.0298, 25.3818, 1),
    _Place("Lanka Auto-rickshaw Stand", "लंका ऑटो स्टैंड", 82.9990, 25.2770, 3),
)

#: Coaching hubs: name, centre, share of the coaching centres; Mahmoorganj is emerging.
COACHING_HUBS: Final = (
    _Place("Lanka", "लंका", 82.9992, 25.2790, 0.30),
    _Place("Sigra", "सिगरा", 82.9878, 25.3158, 0.22),
    _Place("Mahmoorganj", "महमूरगंज", 82.9900, 25.3020, 0.16, trend=+1),
    _Place("Bhelupur", "भेलूपुर", 83.0005, 25.2958, 0.12),
    _Place("Nadesar", "नदेसर", 82.9790, 25.3352, 0.10),
    _Place("Pandeypur", "पांडेयपुर", 82.9988, 25.3465, 0.10),
)

#: Main roads (approximate polylines) along which cameras are installed, and how many.
ROADS: Final[tuple[tuple[str, int, tuple[tuple[float, float], ...]], ...]] = (
    ("Godowlia-Lanka road", 70, ((83.0068, 25.3090), (83.0010, 25.2990), (82.9990, 25.2880),
                                 (82.9995, 25.2790), (82.9930, 25.2690))),
    ("Godowlia-Maidagin-Rajghat road", 50, ((83.0068, 25.3090), (83.0125, 25.3175),
                                            (83.0130, 25.3195), (83.0245, 25.3225),
                                            (83.0330, 25.3262))),
    ("Lahurabir-Cantt-Nadesar road", 45, ((83.0080, 25.3220), (82.9980, 25.3250),
                                          (82.9876, 25.3269), (82.9780, 25.3355))),
    ("Sigra-Rathyatra-Godowlia road", 45, ((82.9875, 25.3160), (82.9960, 25.3050),
                                           (83.0000, 25.3072), (83.0068, 25.3090))),
    ("Cantt-Pandeypur-Sarnath road", 45, ((82.9876, 25.3269), (82.9995, 25.3470),
                                          (83.0150, 25.3650), (83.0240, 25.3790))),
    ("Varanasi-Babatpur road", 25, ((82.9780, 25.3355), (82.9550, 25.3560), (82.9200, 25.3850),
                                    (82.8900, 25.4100))),
    ("Lanka-Rohania ring road", 25, ((82.9930, 25.2690), (82.9700, 25.2600), (82.9350, 25.2500),
                                     (82.8800, 25.2350))),
    ("Manduadih-Mahmoorganj-Sigra road", 30, ((82.9700, 25.2880), (82.9900, 25.3020),
                                              (82.9875, 25.3160))),
)  # fmt: skip

SCHOOL_PREFIXES: Final = (
    "Government Girls Inter College", "Kanya Inter College", "Composite Vidyalaya",
    "Primary School", "Saraswati Shishu Mandir", "Adarsh Inter College", "Public School",
    "Convent School", "Kanya Pathshala", "Junior High School",
)  # fmt: skip
COACHING_BRANDS: Final = (
    "Gyan", "Vidya", "Target", "Pinnacle", "Success Point", "Career Plus", "Sankalp",
    "Utkarsh", "Drishti", "Param", "Achievers", "Lakshya", "Disha", "Prayas", "Abhyas",
)  # fmt: skip
COACHING_SUFFIXES: Final = ("Classes", "Academy", "Institute", "Coaching", "Tutorials")
HOSTEL_BRANDS: Final = (
    "Shanti", "Gayatri", "Annapurna", "Saraswati", "Sita", "Kashi", "Ganga", "Radha",
    "Lakshmi", "Durga",
)  # fmt: skip
#: Hindi of the parts the demo composes site names from (school prefixes, coaching brands and
#: suffixes, hostel brands), so every composed site has a Hindi name too.
PARTS_HI: Final[Mapping[str, str]] = MappingProxyType({
    "Government Girls Inter College": "राजकीय बालिका इंटर कॉलेज",
    "Kanya Inter College": "कन्या इंटर कॉलेज",
    "Composite Vidyalaya": "कम्पोजिट विद्यालय",
    "Primary School": "प्राथमिक विद्यालय",
    "Saraswati Shishu Mandir": "सरस्वती शिशु मंदिर",
    "Adarsh Inter College": "आदर्श इंटर कॉलेज",
    "Public School": "पब्लिक स्कूल",
    "Convent School": "कॉन्वेंट स्कूल",
    "Kanya Pathshala": "कन्या पाठशाला",
    "Junior High School": "जूनियर हाई स्कूल",
    "Gyan": "ज्ञान", "Vidya": "विद्या", "Target": "टारगेट", "Pinnacle": "पिनेकल",
    "Success Point": "सक्सेस पॉइंट", "Career Plus": "करियर प्लस", "Sankalp": "संकल्प",
    "Utkarsh": "उत्कर्ष", "Drishti": "दृष्टि", "Param": "परम", "Achievers": "अचीवर्स",
    "Lakshya": "लक्ष्य", "Disha": "दिशा", "Prayas": "प्रयास", "Abhyas": "अभ्यास",
    "Classes": "क्लासेज़", "Academy": "एकेडमी", "Institute": "इंस्टीट्यूट",
    "Coaching": "कोचिंग", "Tutorials": "ट्यूटोरियल्स",
    "Shanti": "शांति", "Gayatri": "गायत्री", "Annapurna": "अन्नपूर्णा", "Saraswati": "सरस्वती",
    "Sita": "सीता", "Kashi": "काशी", "Ganga": "गंगा", "Radha": "राधा", "Lakshmi": "लक्ष्मी",
    "Durga": "दुर्गा",
})  # fmt: skip
COACHING_BATCHES: Final = (
    ("11:00;14:00;17:00;20:00", 0.5),
    ("09:00;12:00;15:00;18:00", 0.2),
    ("10:00;13:00;16:00;19:00", 0.2),
    ("08:00;11:00;14:00;17:00;20:00", 0.1),
)

# Places outside the region, for the legacy register's "outside" rows (lon, lat).
OUTSIDE_PLACES: Final = (
    (80.9462, 26.8467),  # Lucknow, Hazratganj
    (80.9200, 26.8300),  # Lucknow, Charbagh
    (81.8463, 25.4358),  # Prayagraj, Civil Lines
    (80.3319, 26.4499),  # Kanpur, Mall Road
)
