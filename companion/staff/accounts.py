"""Staff accounts: roles, argon2id password hashes, the password rule, and the `staff` commands."""

from __future__ import annotations

import secrets
import sys
from functools import cache
from pathlib import Path

import click
import pyotp
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .. import audit
from ..models import Role, StaffMember, db
from ..settings import settings
from . import totp
from .sessions import end_all_sessions

ROLES = tuple(role.value for role in Role)
MIN_PASSWORD_LENGTH = 12
COMMON_PASSWORDS = Path(__file__).parents[1] / "data" / "common-passwords.txt"

# argon2-cffi's defaults: argon2id with RFC 9106's low-memory profile, slow by design (about
# 0.1 s a hash). An app under test (TESTING) hashes with the cheapest argon2id parameters instead:
# the same code signs in, but hundreds of test sign-ins do not each spend that time on purpose.
# A hash carries its own parameters, so either verifies the other's.
STANDARD = PasswordHasher()
CHEAPEST = PasswordHasher.from_parameters(profiles.CHEAPEST)


def hasher() -> PasswordHasher:
    return CHEAPEST if current_app.testing else STANDARD


class AccountError(ValueError):
    """An account cannot be created or changed as asked; the message says why."""


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, email: str = "") -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Passwords must be at least {MIN_PASSWORD_LENGTH} characters long."
    folded = "".join(password.lower().split())
    if folded in common_passwords():
        return "This password is on the list of common passwords. Choose another."
    if len(set(folded)) < 4:
        return "This password repeats too few characters. Choose another."
    if email and email.split("@")[0].lower() in folded:
        return "Passwords must not contain your email address."
    return None


def hash_password(password: str) -> str:
    return hasher().hash(password)


def password_matches(member: StaffMember, password: str) -> bool:
    try:
        return hasher().verify(member.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def find_staff(email: str) -> StaffMember | None:
    if "\x00" in email:
        return None  # no address holds one, and PostgreSQL refuses even to compare it
    return db.session.scalar(select(StaffMember).where(StaffMember.email == email.strip().lower()))


def add_staff(email: str, role: str, password: str, name: str = "") -> StaffMember:
    email = email.strip().lower()
    if "@" not in email:
        raise AccountError(f"{email!r} is not an email address.")
    if role not in ROLES:
        raise AccountError(f"Role must be one of {', '.join(ROLES)}.")
    if find_staff(email) is not None:
        raise AccountError(f"There is already an account for {email}.")
    problem = password_problem(password, email)
    if problem:
        raise AccountError(problem)
    member = StaffMember(
        email=email,
        name=name or email.split("@")[0],
        role=role,
        password_hash=hash_password(password),
    )
    db.session.add(member)
    db.session.flush()  # its id, for what is set up next
    return member


staff_cli = AppGroup("staff", help="Staff accounts.")


@staff_cli.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default="", help="Name shown on records, e.g. 'Sam Patel, charge nurse'.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def add_command(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Add a staff account; the password is asked for, never given on the command line."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        member = add_staff(email, role, password, name)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Added {member.email} ({member.role}).")


@staff_cli.command("list")
def list_command() -> None:
    """List staff accounts."""
    for member in db.session.scalars(select(StaffMember).order_by(StaffMember.email)):
        state = "active" if member.active else "disabled"
        second_step = "two-step set up" if member.totp_secret else "no two-step"
        click.echo(f"{member.email}\t{member.role}\t{state}\t{second_step}\t{member.name}")


def existing_staff(email: str) -> StaffMember:
    member = find_staff(email)
    if member is None:
        raise click.ClickException(f"No account for {email}.")
    return member


@staff_cli.command("disable")
@click.argument("email")
def disable_command(email: str) -> None:
    """Disable an account and end its sessions at once."""
    member = existing_staff(email)
    member.active = False
    end_all_sessions(member)
    db.session.commit()
    click.echo(f"Disabled {member.email}; its sessions have ended.")


@staff_cli.command("reset-two-step")
@click.argument("email")
def reset_two_step_command(email: str) -> None:
    """For a lost phone: remove the authenticator and recovery codes and end all sessions."""
    member = existing_staff(email)
    totp.reset(member)
    audit.record("two-step-reset", staff=member)
    db.session.commit()
    click.echo(f"Reset two-step sign-in for {member.email}; they set it up again at next sign-in.")


DEMO_EMAIL = "demo.clinician@example.org"


@staff_cli.command("demo")
def demo_command() -> None:
    """Development only: (re)create the demo clinician with a fresh password and print it, with
    the authenticator key and recovery codes for the second step."""
    if not settings().development:
        raise click.ClickException("The demo account exists only in development.")
    password = "-".join(secrets.choice(DEMO_WORDS) for _ in range(4))
    member = find_staff(DEMO_EMAIL)
    if member is None:
        member = add_staff(DEMO_EMAIL, Role.CLINICIAN, password, "Demo Clinician")
    else:
        member.password_hash = hash_password(password)
        member.active = True
    member.totp_secret, member.totp_last_step = pyotp.random_base32(), None
    codes = totp.new_recovery_codes(member)
    db.session.commit()
    click.echo(f"  Staff sign-in: http://127.0.0.1:{settings().port}/staff/")
    click.echo(f"  Demo clinician: {DEMO_EMAIL}")
    click.echo(f"  Password (new on every start): {password}")
    click.echo(f"  Second step: add key {member.totp_secret} to an authenticator app,")
    click.echo(f"  or use a recovery code (each works once): {', '.join(codes[:3])}")


DEMO_WORDS = (
    "harbour",
    "lantern",
    "meadow",
    "copper",
    "violet",
    "saddle",
    "orchard",
    "pebble",
    "thistle",
    "falcon",
    "juniper",
    "marble",
    "walnut",
    "compass",
    "ember",
    "willow",
)
