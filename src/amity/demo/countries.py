"""Where demo people live: Faker locale, phone shape, cities and time zones (amity.demo).

Plain constants only, so the generator reads as the story it tells.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    """Where a demo person lives: Faker locale, phone shape, cities and time zones."""

    locale: str
    weight: int
    language: str
    dial: str  # E.164 country code with "+"
    mobile_prefixes: tuple[str, ...]  # national significant number starts
    digits: int  # digits after the prefix
    cities: tuple[tuple[str, str], ...]  # (city, IANA zone)
    tld: str
    romanized: bool = False
    street: str = "{n} {name} Street"


COUNTRIES: tuple[Country, ...] = (
    Country(
        "en_US",
        28,
        "en",
        "+1",
        ("212", "415", "617", "312", "206", "512", "303", "646", "202", "305"),
        7,
        (
            ("New York", "America/New_York"),
            ("San Francisco", "America/Los_Angeles"),
            ("Boston", "America/New_York"),
            ("Chicago", "America/Chicago"),
            ("Seattle", "America/Los_Angeles"),
            ("Austin", "America/Chicago"),
            ("Denver", "America/Denver"),
            ("Washington", "America/New_York"),
        ),
        "com",
    ),
    Country(
        "en_GB",
        9,
        "en",
        "+44",
        ("74", "75", "77", "78", "79"),
        8,
        (
            ("London", "Europe/London"),
            ("Manchester", "Europe/London"),
            ("Edinburgh", "Europe/London"),
            ("Bristol", "Europe/London"),
        ),
        "co.uk",
        street="{n} {name} Road",
    ),
    Country(
        "de_DE",
        8,
        "de",
        "+49",
        ("151", "152", "157", "176", "177"),
        8,
        (
            ("Berlin", "Europe/Berlin"),
            ("Munich", "Europe/Berlin"),
            ("Hamburg", "Europe/Berlin"),
            ("Cologne", "Europe/Berlin"),
        ),
        "de",
        street="{name}straße {n}",
    ),
    Country(
        "fr_FR",
        7,
        "fr",
        "+33",
        ("61", "62", "64", "65", "66", "67", "68", "75", "76", "77", "78"),
        7,
        (
            ("Paris", "Europe/Paris"),
            ("Lyon", "Europe/Paris"),
            ("Toulouse", "Europe/Paris"),
            ("Nantes", "Europe/Paris"),
        ),
        "fr",
        street="{n} rue {name}",
    ),
    Country(
        "es_ES",
        5,
        "es",
        "+34",
        ("6",),
        8,
        (
            ("Madrid", "Europe/Madrid"),
            ("Barcelona", "Europe/Madrid"),
            ("Valencia", "Europe/Madrid"),
        ),
        "es",
        street="Calle de {name} {n}",
    ),
    Country(
        "es_MX",
        3,
        "es",
        "+52",
        ("55", "33", "81"),
        8,
        (
            ("Mexico City", "America/Mexico_City"),
            ("Guadalajara", "America/Mexico_City"),
            ("Monterrey", "America/Monterrey"),
        ),
        "mx",
        street="Calle {name} {n}",
    ),
    Country(
        "pt_BR",
        5,
        "pt",
        "+55",
        ("119", "219", "319"),
        8,
        (
            ("São Paulo", "America/Sao_Paulo"),
            ("Rio de Janeiro", "America/Sao_Paulo"),
            ("Belo Horizonte", "America/Sao_Paulo"),
        ),
        "com.br",
        street="Rua {name}, {n}",
    ),
    Country(
        "pt_PT",
        2,
        "pt",
        "+351",
        ("91", "93", "96"),
        7,
        (("Lisbon", "Europe/Lisbon"), ("Porto", "Europe/Lisbon")),
        "pt",
        street="Rua {name}, {n}",
    ),
    Country(
        "it_IT",
        4,
        "it",
        "+39",
        ("320", "333", "347", "348", "380"),
        7,
        (("Milan", "Europe/Rome"), ("Rome", "Europe/Rome"), ("Turin", "Europe/Rome")),
        "it",
        street="Via {name} {n}",
    ),
    Country(
        "nl_NL",
        4,
        "nl",
        "+31",
        ("61", "62", "63", "64", "65", "68"),
        7,
        (
            ("Amsterdam", "Europe/Amsterdam"),
            ("Rotterdam", "Europe/Amsterdam"),
            ("Utrecht", "Europe/Amsterdam"),
        ),
        "nl",
        street="{name}straat {n}",
    ),
    Country(
        "pl_PL",
        3,
        "pl",
        "+48",
        ("50", "51", "53", "60", "66", "69", "72", "78", "79", "88"),
        7,
        (("Warsaw", "Europe/Warsaw"), ("Kraków", "Europe/Warsaw"), ("Wrocław", "Europe/Warsaw")),
        "pl",
        street="ul. {name} {n}",
    ),
    Country(
        "sv_SE",
        3,
        "sv",
        "+46",
        ("70", "72", "73", "76"),
        7,
        (("Stockholm", "Europe/Stockholm"), ("Gothenburg", "Europe/Stockholm")),
        "se",
        street="{name}gatan {n}",
    ),
    Country(
        "en_IN",
        6,
        "en",
        "+91",
        ("98", "99", "97", "90", "81"),
        8,
        (
            ("Bengaluru", "Asia/Kolkata"),
            ("Mumbai", "Asia/Kolkata"),
            ("Delhi", "Asia/Kolkata"),
            ("Hyderabad", "Asia/Kolkata"),
        ),
        "in",
        street="{n} {name} Marg",
    ),
    Country(
        "ja_JP",
        3,
        "ja",
        "+81",
        ("901", "903", "905", "908", "801", "806", "809"),
        7,
        (("Tokyo", "Asia/Tokyo"), ("Osaka", "Asia/Tokyo")),
        "jp",
        romanized=True,
        street="{n} {name}-dori",
    ),
    Country(
        "zh_CN",
        2,
        "zh",
        "+86",
        ("138", "139", "186"),
        8,
        (("Shanghai", "Asia/Shanghai"), ("Shenzhen", "Asia/Shanghai")),
        "cn",
        romanized=True,
        street="{n} {name} Lu",
    ),
)
