"""The store file: one SQLite database, rows of (space, key, value).

A space is one kind of remembered result (`parse`, `packages`, `build`). The
database carries a schema version (`PRAGMA user_version`) and the tool fingerprint; a store
written by other code, one that fails SQLite's quick check, or one that is not a database at all
is thrown away and started anew, with the reason kept in `reset` for the one warning a build
prints. Its rows are derived data: losing them costs time, never correctness. Writes are
collected and committed in one transaction at `close`, so an interrupted build leaves the last
good store.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from chaincards.store.fingerprint import tool_fingerprint

SCHEMA = 1
FILE_NAME = "store.sqlite3"


class Store:
    """The store in `folder` (created when missing); in memory when `folder` is None."""

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / FILE_NAME if folder is not None else None
        self.location = self.path  # where it was meant to be, for messages
        self.reset = ""  # why an existing store was thrown away, "" when it was usable
        try:
            self._db = self._open()
        except (sqlite3.DatabaseError, OSError) as exc:
            self.reset = f"unreadable ({exc})"
            self._discard()
            try:
                self._db = self._open()
            except (sqlite3.DatabaseError, OSError) as again:
                # A folder that cannot hold it: this build remembers nothing, and says so.
                self.reset = f"not writable ({again})"
                self.path = None
                self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        if self.path is None:
            db = sqlite3.connect(":memory:")
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, isolation_level="DEFERRED")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA):
            db.close()
            raise sqlite3.DatabaseError(f"schema {version}, this chaincards reads {SCHEMA}")
        if version and db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            db.close()
            raise sqlite3.DatabaseError("damaged")
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(
            "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "CREATE TABLE IF NOT EXISTS entries (space TEXT NOT NULL, key TEXT NOT NULL,"
            " value BLOB NOT NULL, PRIMARY KEY (space, key)) WITHOUT ROWID;"
            f"PRAGMA user_version = {SCHEMA};"
        )
        for table, columns in (("meta", ["name", "value"]), ("entries", ["space", "key", "value"])):
            found = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
            if found != columns:
                db.close()
                raise sqlite3.DatabaseError(f"a foreign {table} table")
        row = db.execute("SELECT value FROM meta WHERE name = 'fingerprint'").fetchone()
        if row is None or row[0] != tool_fingerprint():
            # Another chaincards wrote these rows: they may mean something else now.
            db.execute("DELETE FROM entries")
            db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (tool_fingerprint(),)
            )
            db.commit()
        return db

    def _discard(self) -> None:
        if self.path is not None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(OSError):
                    Path(f"{self.path}{suffix}").unlink()

    def get(self, space: str, key: str) -> bytes | None:
        try:
            row = self._db.execute(
                "SELECT value FROM entries WHERE space = ? AND key = ?", (space, key)
            ).fetchone()
        except sqlite3.DatabaseError:
            return None  # damage found late: a miss, and the store is renewed at close
        return bytes(row[0]) if row is not None else None

    def put(self, space: str, key: str, value: bytes) -> None:
        with contextlib.suppress(sqlite3.DatabaseError):
            self._db.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", (space, key, value))

    def keys(self, space: str) -> set[str]:
        try:
            rows = self._db.execute("SELECT key FROM entries WHERE space = ?", (space,))
            return {key for (key,) in rows}
        except sqlite3.DatabaseError:
            return set()

    def drop(self, space: str, keys: Iterable[str]) -> None:
        with contextlib.suppress(sqlite3.DatabaseError):
            self._db.executemany(
                "DELETE FROM entries WHERE space = ? AND key = ?", ((space, k) for k in keys)
            )

    def close(self) -> None:
        """Commit this build's writes (a store that cannot take them is thrown away)."""
        try:
            self._db.commit()
            self._db.close()
        except sqlite3.DatabaseError:
            with contextlib.suppress(sqlite3.DatabaseError):
                self._db.close()
            self._discard()
