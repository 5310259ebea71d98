"""Get help now (SPEC §14): the urgent warning signs after birth, and whom to call, by country.

The signs follow NICE's postnatal care guidance (NG194, "symptoms and signs of potentially
serious conditions") and ACOG Committee Opinion 804's warning signs to stop exercising. The
numbers are data: each country's emergency number, and its crisis line where one was checked
against the service's own published details, with the date it was checked. A country with no
entry falls back to 112, the emergency number that works from any mobile phone in Europe and
in many other countries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# Call the emergency number now for any of these (SPEC §14). Plain words for a tired mother.
URGENT_SIGNS: tuple[str, ...] = (
    "heavy bleeding: soaking a pad within an hour, or passing large clots",
    "feeling faint, dizzy or your heart racing",
    "chest pain, or sudden breathlessness",
    "a painful, red or swollen calf",
    "a severe headache with changes in your vision",
    "a fever with tummy pain or smelly discharge",
    "a red, hot or weeping wound (your scar or stitches)",
    "thoughts of harming yourself or your baby",
)


@dataclass(frozen=True)
class CrisisLine:
    name: str
    number: str
    how: str  # "call", "call or text", …


@dataclass(frozen=True)
class HelpNumbers:
    country: str  # ISO 3166 alpha-2
    name: str
    emergency: str
    urgent_advice: str  # a number for urgent, non-emergency medical advice, where there is one
    crisis: CrisisLine | None
    checked_on: date
    source: str


CHECKED = date(2026, 11, 30)

HELP_NUMBERS: dict[str, HelpNumbers] = {
    "GB": HelpNumbers(
        "GB",
        "United Kingdom",
        "999",
        "111 (NHS)",
        CrisisLine("Samaritans", "116 123", "call, free, any time"),
        CHECKED,
        "samaritans.org; nhs.uk",
    ),
    "IE": HelpNumbers(
        "IE",
        "Ireland",
        "112 or 999",
        "",
        CrisisLine("Samaritans", "116 123", "call, free, any time"),
        CHECKED,
        "samaritans.org",
    ),
    "US": HelpNumbers(
        "US",
        "United States",
        "911",
        "",
        CrisisLine("988 Suicide & Crisis Lifeline", "988", "call or text, any time"),
        CHECKED,
        "988lifeline.org",
    ),
    "CA": HelpNumbers(
        "CA",
        "Canada",
        "911",
        "",
        CrisisLine("9-8-8 Suicide Crisis Helpline", "988", "call or text, any time"),
        CHECKED,
        "988.ca (Government of Canada, launched 30 November 2023)",
    ),
    "AU": HelpNumbers(
        "AU",
        "Australia",
        "000",
        "",
        CrisisLine("Lifeline", "13 11 14", "call, any time"),
        CHECKED,
        "lifeline.org.au",
    ),
    "NZ": HelpNumbers(
        "NZ",
        "New Zealand",
        "111",
        "",
        CrisisLine("Need to Talk?", "1737", "call or text, free, any time"),
        CHECKED,
        "1737.org.nz",
    ),
}

FALLBACK = HelpNumbers(
    "",
    "",
    "112",
    "",
    None,
    CHECKED,
    "112 is the emergency number across the EU and works from mobiles in many countries",
)

# European Union and nearby countries where 112 is the emergency number (no crisis line on
# file here yet: the card says to call 112 and to tell a doctor or midwife).
_EMERGENCY_112 = (
    "AT BE BG CH CY CZ DE DK EE ES FI FR GR HR HU IS IT LI LT LU LV MT NL NO PL PT RO SE SI SK"
)
for _code in _EMERGENCY_112.split():
    HELP_NUMBERS.setdefault(
        _code, HelpNumbers(_code, "", "112", "", None, CHECKED, FALLBACK.source)
    )

# Her country, defaulted from her time zone (SPEC §14); a coach can change it on her profile.
TIMEZONE_COUNTRIES: dict[str, str] = {
    "Europe/London": "GB",
    "Europe/Belfast": "GB",
    "Europe/Dublin": "IE",
    "Europe/Paris": "FR",
    "Europe/Berlin": "DE",
    "Europe/Madrid": "ES",
    "Europe/Rome": "IT",
    "Europe/Amsterdam": "NL",
    "Europe/Brussels": "BE",
    "Europe/Vienna": "AT",
    "Europe/Zurich": "CH",
    "Europe/Stockholm": "SE",
    "Europe/Oslo": "NO",
    "Europe/Copenhagen": "DK",
    "Europe/Helsinki": "FI",
    "Europe/Lisbon": "PT",
    "Europe/Warsaw": "PL",
    "Europe/Prague": "CZ",
    "Europe/Athens": "GR",
    "America/New_York": "US",
    "America/Chicago": "US",
    "America/Denver": "US",
    "America/Phoenix": "US",
    "America/Los_Angeles": "US",
    "America/Anchorage": "US",
    "Pacific/Honolulu": "US",
    "America/Toronto": "CA",
    "America/Vancouver": "CA",
    "America/Edmonton": "CA",
    "America/Winnipeg": "CA",
    "America/Halifax": "CA",
    "America/St_Johns": "CA",
    "Australia/Sydney": "AU",
    "Australia/Melbourne": "AU",
    "Australia/Brisbane": "AU",
    "Australia/Perth": "AU",
    "Australia/Adelaide": "AU",
    "Australia/Hobart": "AU",
    "Australia/Darwin": "AU",
    "Pacific/Auckland": "NZ",
}


def country_for_timezone(timezone: str) -> str:
    """Her likely country from her time zone, or "" when it can't be told."""
    return TIMEZONE_COUNTRIES.get(timezone, "")


def help_for(country: str) -> HelpNumbers:
    return HELP_NUMBERS.get(country.upper(), FALLBACK) if country else FALLBACK
