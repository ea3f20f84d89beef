"""The watcher's queue of submissions, in SQL, so that several watchers can
share it.

Two tables, next to nbgrader's in its gradebook database when that is
PostgreSQL (several watchers on several machines), or in watch_queue.db in
the course folder with SQLite (one watcher; ``grader_tests.watch`` holds a
lock so a second one refuses to start):

- ``course_watch_arrivals``: each submission seen in the exchange's inbound
  folder (its folder name is the key), "queued" until graded, then "graded"
  (the one graded) or "superseded" (an older one of the same student and
  chapter, never graded on its own);
- ``course_watch_slots``: one row per student and chapter, with when its
  last grading started: the rate limit, and the row a watcher locks while it
  grades that student's chapter.

``claim`` takes, in one transaction held open while grading, the slots
whose window is open and that have queued arrivals, with ``FOR UPDATE SKIP
LOCKED`` on PostgreSQL: a slot another watcher grades is skipped, never
waited for, never graded twice. If a watcher dies mid-grading, its
connection drops, the transaction rolls back and the slots and arrivals are
queued again for the next watcher.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from grader_tests.exchange_inbox import Arrival

METADATA = sa.MetaData()
ARRIVALS = sa.Table(
    "course_watch_arrivals", METADATA,
    sa.Column("name", sa.String(512), primary_key=True),
    sa.Column("course_id", sa.String(128), nullable=False),
    sa.Column("student", sa.String(128), nullable=False),
    sa.Column("chapter", sa.String(128), nullable=False),
    sa.Column("submitted", sa.String(64), nullable=False),
    sa.Column("seen_at", sa.Float, nullable=False),
    sa.Column("state", sa.String(16), nullable=False, default="queued"),
    sa.Column("graded_at", sa.Float),
    sa.Column("graded_by", sa.String(128)),
)
SLOTS = sa.Table(
    "course_watch_slots", METADATA,
    sa.Column("course_id", sa.String(128), primary_key=True),
    sa.Column("student", sa.String(128), primary_key=True),
    sa.Column("chapter", sa.String(128), primary_key=True),
    sa.Column("last_started", sa.Float),
)
LOCAL_DB = "watch_queue.db"
SCHEMA_LOCK = 0x636F7572  # any number; the same in every watcher


def queue_url(course: Path, db_url: str) -> str:
    """The gradebook's database when several machines can share it, else a file of the course."""
    return db_url if db_url.startswith("postgresql") else f"sqlite:///{course / LOCAL_DB}"


def _insert(engine: sa.Engine, table: sa.Table):
    """INSERT that leaves an existing row alone (several watchers add the same arrival)."""
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing()


def _has_queued_arrivals():
    """The condition, on a slot row, that it has arrivals still queued."""
    return (sa.select(ARRIVALS.c.name)
            .where(ARRIVALS.c.course_id == SLOTS.c.course_id, ARRIVALS.c.student == SLOTS.c.student,
                   ARRIVALS.c.chapter == SLOTS.c.chapter, ARRIVALS.c.state == "queued")
            .exists())


@dataclass
class Batch:
    """Slots one watcher holds: (student, chapter) -> the queued arrivals' names."""
    slots: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    graded: dict[tuple[str, str], str] = field(default_factory=dict)  # slot -> the submission time graded

    def by_chapter(self) -> dict[str, list[str]]:
        chapters: dict[str, list[str]] = {}
        for student, chapter in sorted(self.slots):
            chapters.setdefault(chapter, []).append(student)
        return chapters


class Queue:
    def __init__(self, url: str, course_id: str, watcher: str):
        self.engine = sa.create_engine(url)
        self.course_id = course_id
        self.watcher = watcher
        with self.engine.begin() as db:
            if self.engine.dialect.name == "postgresql":
                # Watchers starting together would each try to create the tables.
                db.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
            METADATA.create_all(db)
        self.known: set[str] = set()  # arrivals this watcher has already added

    def add(self, arrivals: list[Arrival]) -> int:
        """Queue the arrivals not seen before; how many were new to this watcher."""
        new = [a for a in arrivals if a.name not in self.known]
        if new:
            now = time.time()
            with self.engine.begin() as db:
                db.execute(_insert(self.engine, ARRIVALS), [
                    {"name": a.name, "course_id": self.course_id, "student": a.student, "chapter": a.chapter,
                     "submitted": a.submitted, "seen_at": now, "state": "queued"} for a in new])
                db.execute(_insert(self.engine, SLOTS), [
                    {"course_id": self.course_id, "student": a.student, "chapter": a.chapter} for a in new])
            self.known.update(a.name for a in new)
        return len(new)

    @contextmanager
    def claim(self, limit: int, gap: float):
        """Hold up to ``limit`` slots whose window is open and that have queued
        arrivals; on leaving, record what ``Batch.graded`` says was graded and
        commit (an exception rolls everything back: queued again)."""
        now = time.time()
        ready = (sa.select(SLOTS.c.student, SLOTS.c.chapter)
                 .where(SLOTS.c.course_id == self.course_id, _has_queued_arrivals(),
                        sa.or_(SLOTS.c.last_started.is_(None), SLOTS.c.last_started <= now - gap))
                 .order_by(SLOTS.c.last_started.nulls_first(), SLOTS.c.student, SLOTS.c.chapter)
                 .limit(limit).with_for_update(skip_locked=True))
        with self.engine.begin() as db:
            batch = Batch()
            for student, chapter in db.execute(ready).all():
                names = db.execute(sa.select(ARRIVALS.c.name).where(
                    ARRIVALS.c.course_id == self.course_id, ARRIVALS.c.student == student,
                    ARRIVALS.c.chapter == chapter, ARRIVALS.c.state == "queued")).scalars().all()
                batch.slots[student, chapter] = list(names)
            if batch.slots:
                db.execute(SLOTS.update().where(
                    SLOTS.c.course_id == self.course_id,
                    sa.tuple_(SLOTS.c.student, SLOTS.c.chapter).in_(list(batch.slots))).values(last_started=now))
            yield batch
            self._record(db, batch)

    def _record(self, db, batch: Batch) -> None:
        """The arrival graded is the one collected; older queued ones are superseded."""
        from nbgrader.utils import parse_utc

        now = time.time()
        for slot, graded in batch.graded.items():
            rows = db.execute(sa.select(ARRIVALS.c.name, ARRIVALS.c.submitted).where(
                ARRIVALS.c.name.in_(batch.slots[slot]))).all()
            for name, submitted in rows:
                if parse_utc(submitted) <= parse_utc(graded):
                    state = "graded" if submitted == graded else "superseded"
                    db.execute(ARRIVALS.update().where(ARRIVALS.c.name == name).values(
                        state=state, graded_at=now, graded_by=self.watcher))

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as db:
            rows = db.execute(sa.select(ARRIVALS.c.state, sa.func.count()).where(
                ARRIVALS.c.course_id == self.course_id).group_by(ARRIVALS.c.state)).all()
        return {state: n for state, n in rows}

    def waiting(self, gap: float) -> list[tuple[str, str, float]]:
        """Slots with queued arrivals whose window is still closed: (student, chapter, opens at)."""
        now = time.time()
        with self.engine.connect() as db:
            rows = db.execute(sa.select(SLOTS.c.student, SLOTS.c.chapter, SLOTS.c.last_started).where(
                SLOTS.c.course_id == self.course_id, _has_queued_arrivals(),
                SLOTS.c.last_started > now - gap)).all()
        return [(student, chapter, started + gap) for student, chapter, started in rows]
