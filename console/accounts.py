"""Staff accounts (argon2id hashes in Redis) and the accounts CLI.

    python -m console.accounts add USERNAME --role agent|supervisor [--display-name NAME]
    python -m console.accounts list | disable USERNAME | enable USERNAME
    python -m console.accounts set-password USERNAME | unlock USERNAME

Passwords come from ``CONSOLE_PASSWORD`` or an interactive prompt, never from argv (argv is
visible to every user of the machine in ``ps``). Redis comes from ``REDIS_URL``.

Redis keys (``console:``): ``account:<username>`` (hash), ``accounts`` (set of usernames),
``fail:<digest>`` and ``fail:<digest>:<ip digest>`` for the sign-in backoff (console/auth.py).
The backoff keys use a digest of the typed username, not the name itself: people do type their
password into the username field, and that must not end up in Redis in clear.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import os
import re
import secrets
import sys
import time
from dataclasses import dataclass

import redis
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from redis.typing import EncodableT, FieldT

PREFIX = "console:"
ACCOUNTS_KEY = PREFIX + "accounts"
ROLES = ("agent", "supervisor")
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1024  # argon2 hashes anything, but a 1 MB "password" is a DoS, not a secret
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
MAX_DISPLAY_NAME_CHARS = 60


class AccountError(ValueError):
    """A request the account store refuses; the message is safe to show to an operator."""


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    display_name: str
    disabled: bool
    created_at: float

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"

    def public(self) -> dict[str, object]:
        return {"username": self.username, "role": self.role,
                "display_name": self.display_name, "disabled": self.disabled}


def normalize_username(raw: str) -> str:
    return (raw or "").strip().lower()


def username_digest(username: str) -> str:
    """Keys about a typed username use this digest: people type passwords into the username
    field, and those must not end up in Redis in clear."""
    return hashlib.sha256(normalize_username(username).encode("utf-8")).hexdigest()[:32]


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"password must have at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise AccountError(f"password must have at most {MAX_PASSWORD_CHARS} characters")


def _s(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class AccountStore:
    """Accounts, password checks and the per-username lockout."""

    def __init__(self, redis_client: redis.Redis, hasher: PasswordHasher | None = None) -> None:
        self._r = redis_client
        self._hasher = hasher or PasswordHasher()  # argon2id with argon2-cffi's RFC 9106 params
        # Verified against for unknown usernames, so "no such user" costs as much time as
        # "wrong password" and response times do not reveal which accounts exist.
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))

    @staticmethod
    def _key(username: str) -> str:
        return f"{PREFIX}account:{username}"

    # ------------------------------------------------------------------ accounts
    def create(self, username: str, role: str, password: str,
               display_name: str | None = None) -> Account:
        name = normalize_username(username)
        if not USERNAME_RE.match(name):
            raise AccountError("username must be 2-32 characters: a-z, 0-9, '.', '_' or '-'")
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        check_password_policy(password)
        display = (display_name or name).strip()[:MAX_DISPLAY_NAME_CHARS] or name
        fields: dict[FieldT, EncodableT] = {
            "username": name, "role": role, "display_name": display, "disabled": "0",
            "created_at": repr(time.time()), "password_hash": self._hasher.hash(password)}
        # HSETNX on a marker field makes "create" atomic: two concurrent adds cannot both win.
        if not self._r.hsetnx(self._key(name), "username", name):
            raise AccountError(f"account {name!r} already exists")
        self._r.hset(self._key(name), mapping=fields)
        self._r.sadd(ACCOUNTS_KEY, name)
        account = self.get(name)
        assert account is not None
        return account

    def get(self, username: str) -> Account | None:
        raw = self._r.hgetall(self._key(normalize_username(username)))
        if not raw or (b"role" not in raw and "role" not in raw):
            return None
        data = {_s(k): _s(v) for k, v in raw.items()}
        return Account(username=data["username"], role=data["role"],
                       display_name=data.get("display_name") or data["username"],
                       disabled=data.get("disabled") == "1",
                       created_at=float(data.get("created_at") or 0))

    def list(self) -> list[Account]:
        names = sorted(_s(n) for n in self._r.smembers(ACCOUNTS_KEY))
        return [a for a in (self.get(n) for n in names) if a is not None]

    def require(self, username: str) -> Account:
        account = self.get(username)
        if account is None:
            raise AccountError(f"no account {normalize_username(username)!r}")
        return account

    def set_password(self, username: str, password: str) -> None:
        account = self.require(username)
        check_password_policy(password)
        self._r.hset(self._key(account.username), "password_hash", self._hasher.hash(password))

    def set_disabled(self, username: str, disabled: bool) -> None:
        account = self.require(username)
        self._r.hset(self._key(account.username), "disabled", "1" if disabled else "0")

    def verify(self, username: str, password: str) -> Account | None:
        """The account if the password matches and the account is enabled, else None.

        Always runs one argon2 verification, whatever the outcome, so timing says nothing.
        """
        name = normalize_username(username)
        stored = self._r.hget(self._key(name), "password_hash") if USERNAME_RE.match(name) else None
        hashed = _s(stored) if stored else self._dummy_hash
        try:
            ok: bool = self._hasher.verify(hashed, password[:MAX_PASSWORD_CHARS])
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        if not ok or not stored:
            return None
        account = self.get(name)
        if account is None or account.disabled:
            return None
        if self._hasher.check_needs_rehash(hashed):
            self._r.hset(self._key(name), "password_hash", self._hasher.hash(password))
        return account

    # ------------------------------------------------------------------ sign-in backoff
    def unlock(self, username: str) -> None:
        """Forget the failed sign-ins of ``username`` (console/auth.py LoginBackoff), from every
        IP: its next attempt is answered at once."""
        digest = username_digest(username)
        keys = [f"{PREFIX}fail:{digest}", *self._r.scan_iter(f"{PREFIX}fail:{digest}:*")]
        self._r.delete(*keys)


# ---------------------------------------------------------------------- CLI
def _read_password(confirm: bool) -> str:
    from_env = os.environ.get("CONSOLE_PASSWORD")
    if from_env is not None:
        return from_env
    if not sys.stdin.isatty():
        raise AccountError("set CONSOLE_PASSWORD or run interactively to be prompted")
    first = getpass.getpass("Password: ")
    if confirm and getpass.getpass("Repeat password: ") != first:
        raise AccountError("passwords do not match")
    return first


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m console.accounts",
                                description="Manage staff console accounts (Redis: REDIS_URL).")
    sub = p.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="create an account (password: CONSOLE_PASSWORD or prompt)")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--display-name", default=None)
    sub.add_parser("list", help="list accounts")
    for name, text in (("disable", "disable an account and end its sessions"),
                       ("enable", "enable a disabled account"),
                       ("set-password", "set a new password and end the account's sessions"),
                       ("unlock", "forget failed sign-ins (end the slow-down)")):
        sub.add_parser(name, help=text).add_argument("username")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    url = os.environ.get("REDIS_URL", "").strip()
    if not url:
        print("error: REDIS_URL is not set", file=sys.stderr)
        return 2
    client = redis.Redis.from_url(url, decode_responses=True, socket_timeout=5)
    store = AccountStore(client)
    # Imported here: sessions and audit live next to the web app but need no Sanic.
    from console.audit import StaffAudit
    from console.auth import SessionStore
    audit = StaffAudit(client)
    try:
        if args.command == "add":
            account = store.create(args.username, args.role, _read_password(confirm=True),
                                   args.display_name)
            audit.record("account_added", "cli", target=account.username, role=account.role)
            print(f"added {account.username} ({account.role})")
        elif args.command == "list":
            print(f"{'USERNAME':<24} {'ROLE':<11} {'STATUS':<9} DISPLAY NAME")
            for a in store.list():
                status = "disabled" if a.disabled else "active"
                print(f"{a.username:<24} {a.role:<11} {status:<9} {a.display_name}")
        elif args.command in ("disable", "enable"):
            store.set_disabled(args.username, args.command == "disable")
            if args.command == "disable":
                SessionStore(client).delete_all_for(normalize_username(args.username))
            audit.record(f"account_{args.command}d", "cli",
                         target=normalize_username(args.username))
            print(f"{args.command}d {normalize_username(args.username)}")
        elif args.command == "set-password":
            store.set_password(args.username, _read_password(confirm=True))
            SessionStore(client).delete_all_for(normalize_username(args.username))
            audit.record("password_set", "cli", target=normalize_username(args.username))
            print(f"password set for {normalize_username(args.username)}")
        elif args.command == "unlock":
            store.require(args.username)
            store.unlock(args.username)
            audit.record("account_unlocked", "cli", target=normalize_username(args.username))
            print(f"unlocked {normalize_username(args.username)}")
    except AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except redis.RedisError as exc:
        print(f"error: Redis: {type(exc).__name__}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
