"""Agent accounts and console sessions: argon2id passwords, lockout, hashed session tokens."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.clock import Clock
from bot.db.tables import Agent, AgentSession

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=9)   # a working day
MIN_PASSWORD_LENGTH = 12
_hasher = PasswordHasher()              # argon2id, memory-hard
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class LoginRefused(Exception):
    """Wrong credentials, or an account locked after repeated failures (``locked``)."""

    def __init__(self, locked: bool = False) -> None:
        super().__init__("account locked" if locked else "invalid credentials")
        self.locked = locked


@dataclass(frozen=True)
class ConsoleSession:
    agent_id: int
    username: str
    display_name: str
    csrf_token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AgentStore:
    """Accounts and sessions of the agent console."""

    def __init__(self, engine: Engine, clock: Clock = Clock()) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._clock = clock

    def add(self, username: str, display_name: str, password: str) -> Agent:
        """Create an account; ValueError for a taken username or a short password."""
        username = username.strip().lower()
        if not username or not display_name.strip():
            raise ValueError("username and display name are required")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValueError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
        agent = Agent(username=username, display_name=display_name.strip(),
                      password_hash=_hasher.hash(password), failed_logins=0,
                      created_at=self._clock.now())
        try:
            with self._sessions() as session, session.begin():
                session.add(agent)
        except IntegrityError:
            raise ValueError(f"an agent named {username!r} already exists") from None
        return agent

    def authenticate(self, username: str, password: str,
                     now: datetime | None = None) -> Agent:
        """The agent if the password is right; LoginRefused otherwise (5 failures lock 15 min).

        Each attempt is counted before its (slow) password check, in one conditional
        UPDATE … RETURNING that only an unlocked account with fewer than five attempts
        counted passes: of any number of concurrent guesses, at most five are checked
        before the lock. A right password clears the count.
        """
        now = now or self._clock.now()
        name = username.strip().lower()
        unlocked = or_(Agent.locked_until.is_(None), Agent.locked_until <= now)
        with self._sessions() as session, session.begin():
            claimed = session.execute(
                update(Agent).where(Agent.username == name, unlocked,
                                    Agent.failed_logins < MAX_FAILED_LOGINS)
                .values(failed_logins=Agent.failed_logins + 1)
                .returning(Agent.id, Agent.password_hash, Agent.failed_logins)
                .execution_options(synchronize_session=False)).one_or_none()
        if claimed is None:  # unknown, locked, or five attempts already under way
            _verify(_DUMMY_HASH, password)  # the same work whether the account exists or not
            with self._sessions() as session:
                locked_until = session.scalar(select(Agent.locked_until)
                                              .where(Agent.username == name))
            raise LoginRefused(locked=locked_until is not None and locked_until > now)
        agent_id, password_hash, attempts = claimed
        if not _verify(password_hash, password):
            if attempts >= MAX_FAILED_LOGINS:
                with self._sessions() as session, session.begin():
                    session.execute(update(Agent).where(Agent.id == agent_id)
                                    .values(locked_until=now + LOCKOUT, failed_logins=0)
                                    .execution_options(synchronize_session=False))
                raise LoginRefused(locked=True)
            raise LoginRefused()
        with self._sessions() as session, session.begin():
            session.execute(update(Agent).where(Agent.id == agent_id)
                            .values(failed_logins=0, locked_until=None)
                            .execution_options(synchronize_session=False))
            agent = session.get_one(Agent, agent_id)
        return agent

    def open_session(self, agent: Agent, now: datetime | None = None) -> tuple[str, str]:
        """A new session: (cookie token, CSRF token). Only the token's hash is stored."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = now or self._clock.now()
        with self._sessions() as session, session.begin():
            session.add(AgentSession(token_hash=_digest(token), agent_id=agent.id, csrf_token=csrf,
                                     created_at=now, expires_at=now + SESSION_LIFETIME))
        return token, csrf

    def session(self, token: str | None, now: datetime | None = None) -> ConsoleSession | None:
        """The live session of a cookie token, or None (unknown or expired)."""
        if not token:
            return None
        with self._sessions() as session:
            found = session.get(AgentSession, _digest(token))
            if found is None or found.expires_at <= (now or self._clock.now()):
                return None
            agent = session.get(Agent, found.agent_id)
            if agent is None:
                return None
            return ConsoleSession(agent.id, agent.username, agent.display_name, found.csrf_token)

    def close_session(self, token: str) -> None:
        with self._sessions() as session, session.begin():
            session.execute(delete(AgentSession).where(AgentSession.token_hash == _digest(token)))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
