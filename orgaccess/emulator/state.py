"""The running emulator's state: the database plus what lives only in memory."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from orgaccess.emulator import scenario, store
from orgaccess.emulator.api import Api
from orgaccess.emulator.audit import AuditLog
from orgaccess.emulator.auth import Tokens
from orgaccess.emulator.clock import Clock
from orgaccess.emulator.propagation import Propagation
from orgaccess.emulator.ratelimit import RateLimiter
from orgaccess.platform.models import Faults


@dataclass
class Emulator:
    store: store.Store
    # Which platform API the emulator serves; one store either way.
    dialect: Api = Api.SEED
    clock: Clock = field(default_factory=Clock)
    audit: AuditLog = field(default_factory=AuditLog)
    faults: Faults = field(default_factory=Faults)
    propagation: Propagation = field(default_factory=Propagation)
    limiter: RateLimiter = field(init=False)
    tokens: Tokens = field(init=False)

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.faults.rateLimitPerMinute)
        self.tokens = Tokens(self.store)

    def set_faults(self, faults: Faults) -> None:
        self.faults = faults
        self.limiter.configure(faults.rateLimitPerMinute)

    def load(self, loaded: scenario.Scenario) -> None:
        scenario.load(self.store, loaded, self.dialect)
        self.tokens.forget()
        self.limiter.reset()
        self.propagation.reset()

    def visible_at(self) -> float:
        """When a change made now reaches the data plane."""
        return self.clock.now() + self.faults.propagationDelayMs / 1000

    @contextmanager
    def permission_change(self, org_id: str) -> Iterator[sqlite3.Connection]:
        """A write transaction on grants or roles in one org, its effect delayed on the data plane."""
        delayed = self.faults.propagationDelayMs > 0
        with self.store.write() as db:
            before = store.permissions_by_subject(db, org_id) if delayed else {}
            yield db
            after = store.permissions_by_subject(db, org_id) if delayed else {}
        at = self.visible_at()
        for subject in before.keys() | after.keys():
            key = ("permissions", org_id, subject)
            self.propagation.record(key, before.get(subject, frozenset()), after.get(subject, frozenset()), at)
