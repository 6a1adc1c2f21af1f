"""Second-step codes as a library: authenticator codes (TOTP, RFC 6238) and one-time recovery
codes. Only hashes of recovery codes are kept. No requests and no pages here: the two-step views
and the `staff` commands both use it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp

from ..discussions import CODE_ALPHABET, normalise_code
from ..models import RecoveryCode, StaffMember, utcnow
from .sessions import end_all_sessions

RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 12  # about 56 bits from CODE_ALPHABET: too many to guess, even unthrottled


def in_fours(text: str, separator: str) -> str:
    """Long codes and keys are read and typed more surely in groups of four."""
    return separator.join(text[i : i + 4] for i in range(0, len(text), 4))


def matching_step(secret: str, typed: str, last_step: int | None) -> int | None:
    """The time step whose code was typed (allowing a step either side for clock drift), if any
    and if it is later than the last one accepted."""
    code = normalise_code(typed)
    if len(code) != 6 or not (code.isascii() and code.isdigit()):  # compare_digest wants ASCII
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(time.time())
    for step in (now - 1, now, now + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def recovery_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def new_recovery_codes(member: StaffMember) -> list[str]:
    """Replace any earlier codes with new ones, returned once for showing; only hashes are kept."""
    codes = [
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    member.recovery_codes = [RecoveryCode(code_hash=recovery_hash(code)) for code in codes]
    return [in_fours(code, "-") for code in codes]


def use_recovery_code(member: StaffMember, typed: str) -> bool:
    wanted = recovery_hash(typed)
    for recovery in member.recovery_codes:
        if recovery.used_at is None and hmac.compare_digest(recovery.code_hash, wanted):
            recovery.used_at = utcnow()
            return True
    return False


def recovery_codes_left(member: StaffMember) -> int:
    return sum(1 for recovery in member.recovery_codes if recovery.used_at is None)


def reset(member: StaffMember) -> None:
    """For a lost phone: the person sets up a new authenticator at their next sign-in."""
    member.totp_secret = None
    member.totp_last_step = None
    member.recovery_codes = []
    end_all_sessions(member)
