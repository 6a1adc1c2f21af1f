"""Where a patient's link may be sent: a UK mobile number or an email address, as a nurse types
them, checked before anything is sent and shown back in a form that is easy to read aloud.

Nothing here keeps what it is given: the number or address lives for one request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Channel(StrEnum):
    """How the link goes: its value is what the form sends and the audit trail records."""

    TEXT = "text"
    EMAIL = "email"

    @property
    def words(self) -> str:
        return "text message" if self is Channel.TEXT else "email"


@dataclass(frozen=True)
class Recipient:
    channel: Channel
    # What GOV.UK Notify is given (+447700900123, or the address as typed, trimmed).
    address: str
    # What the nurse reads back to the patient: 07700 900123, or the address.
    read_back: str


# What people type around the digits of a phone number; anything else is refused, not dropped.
NUMBER_PUNCTUATION = re.compile(r"[\s().\-–]")
# Ofcom's mobile ranges: 071-075, 077-079 and 07624. 070 numbers are personal numbers that
# forward anywhere, and 076 numbers (except 07624) pagers: neither reliably reaches a phone.
MOBILE = re.compile(r"7(?:[1-57-9]\d{8}|624\d{6})")
# One @, something before it, a dot in the domain, no spaces or brackets: what a nurse can check
# by reading it back. Notify checks an address further and says so if it refuses one.
EMAIL = re.compile(r"[^\s@<>()\[\],;:\"]+@[^\s@<>()\[\],;:\"_]+\.[^\s@<>()\[\],;:\"_.]{2,}")
EMAIL_LIMIT = 254

PROBLEMS = {
    Channel.TEXT: {
        "empty": "Enter the patient's mobile phone number.",
        "characters": "Mobile phone number: use only numbers, spaces, brackets, hyphens and +.",
        "not-uk": "Mobile phone number: enter a UK mobile number, starting 07 or +44 7.",
        "not-mobile": (
            "Mobile phone number: this is not a mobile number. Enter a UK mobile number,"
            " starting 07, such as 07700 900982."
        ),
        "length": "Mobile phone number: a UK mobile number has 11 digits, starting 07.",
    },
    Channel.EMAIL: {
        "empty": "Enter the patient's email address.",
        "shape": "Email address: enter it in the right form, like name@example.com.",
        "length": f"Email address: this is too long for an email address ({EMAIL_LIMIT} at most).",
    },
}


class Refused(ValueError):
    """What is wrong with a number or address, in words for the nurse, naming the field."""

    def __init__(self, channel: Channel, problem: str) -> None:
        super().__init__(PROBLEMS[channel][problem])
        self.message = PROBLEMS[channel][problem]


def mobile(typed: str) -> Recipient:
    """A UK mobile number, as +44 for Notify and as 07... to read back; Refused otherwise."""
    text = typed.strip()
    if not text:
        raise Refused(Channel.TEXT, "empty")
    digits = NUMBER_PUNCTUATION.sub("", text.removeprefix("+"))
    if not digits.isascii() or not digits.isdigit():
        raise Refused(Channel.TEXT, "characters")
    if text.startswith("+") and not digits.startswith("44"):
        raise Refused(Channel.TEXT, "not-uk")
    national = digits.removeprefix("0044") if digits.startswith("0044") else digits
    national = national.removeprefix("44") if text.startswith(("+", "44")) else national
    # "+44 (0)7700 900123" is written with the trunk 0 kept in brackets.
    national = national.removeprefix("0")
    if len(national) != 10:
        raise Refused(Channel.TEXT, "length")
    if not MOBILE.fullmatch(national):
        raise Refused(Channel.TEXT, "not-mobile")
    return Recipient(Channel.TEXT, f"+44{national}", f"0{national[:4]} {national[4:]}")


def email(typed: str) -> Recipient:
    text = typed.strip()
    if not text:
        raise Refused(Channel.EMAIL, "empty")
    if len(text) > EMAIL_LIMIT:
        raise Refused(Channel.EMAIL, "length")
    if not text.isprintable() or not EMAIL.fullmatch(text):
        raise Refused(Channel.EMAIL, "shape")
    return Recipient(Channel.EMAIL, text, text)


def recipient(channel: Channel, typed: str) -> Recipient:
    return mobile(typed) if channel is Channel.TEXT else email(typed)
