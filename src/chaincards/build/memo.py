"""What the last build made each package from, kept in the build store, so the next build can
make again only the packages an edit reaches.

The model and its cards depend on the notes' model views only (`chaincards.model.view`). So
when every note that changed since the last build kept its view (a written card reworded, a
note saved again), the model, its cards, its warnings and every other package are what they
were; only the packages holding the changed notes' written cards, or model cards dated by a
changed note, are made again, from the cards remembered here and the changed notes' new
written cards. Anything else (a changed view, a note added or gone, another file changed,
other options, a package not on disk as written) means a full build, which records it all
anew. A record that cannot be read is no record: the store is a cache.

Remembered, per build: each note's parse key and view digest, the package its cards go to and
its own warnings; the model's warnings and the model cards the screen dropped. Per package:
its notes' written cards and its model cards before the package's own screen, what that screen
found, and what the package and manifest files were written from and hash to. The same record
tells when nothing changed at all: then the last build's report is given again.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from chaincards.anki.freshness import Written, file_sha256
from chaincards.anki.manifest import manifest_path
from chaincards.cards.card import CardNote
from chaincards.cards.quality import Dropped, QualityReport
from chaincards.diagnostics import Diagnostic, Severity
from chaincards.pipeline import PackageCards
from chaincards.store import Store

_VAULT_KEY = "last"
_FORMAT = 3  # 3: cards carry `own_guid`
DiagnosticRow = tuple[str, int, str, str]


def diagnostic_rows(diagnostics: Iterable[Diagnostic]) -> tuple[DiagnosticRow, ...]:
    return tuple((d.path, d.line, d.severity.value, d.message) for d in diagnostics)


def from_rows(rows: Iterable[DiagnosticRow]) -> list[Diagnostic]:
    return [Diagnostic(str(p), int(n), Severity(s), str(m)) for p, n, s, m in rows]


@dataclass(frozen=True)
class NoteRecord:
    key: str  # the parse key: path, time, text (`cache.entry_key`)
    view: str  # `view_digest` of its model view
    package: str  # the package its written cards go to
    diagnostics: tuple[DiagnosticRow, ...]  # from parsing it and making its written cards
    lines: tuple[int, ...] = ()  # `view_lines` of its model view


@dataclass(frozen=True)
class PackageRecord:
    name: str  # the top-level deck (or `--single` name) it holds
    notes: tuple[str, ...]  # every note whose written cards go here, in build order
    dated_by: tuple[str, ...]  # every note a model card of it is dated by
    decks: dict[str, dict[str, int]]  # deck → card kind → Anki notes, as written
    report: QualityReport  # the package's own screen
    diagnostics: tuple[DiagnosticRow, ...]  # that screen's warnings
    made_from: Written  # what its files were written from, and their hashes

    def still_there(self, package: Path) -> bool:
        return (
            file_sha256(package) == self.made_from.sha256
            and file_sha256(manifest_path(package)) == self.made_from.manifest_sha256
        )


@dataclass(frozen=True)
class VaultRecord:
    options: str  # everything besides the notes that shapes the output
    files: str  # digest of every other vault file's path and time
    notes: dict[str, NoteRecord]
    model_diagnostics: tuple[DiagnosticRow, ...]  # the model's checks
    model_dropped: tuple[Dropped, ...]  # model cards screened out before packaging
    packages: dict[str, PackageRecord] = field(default_factory=dict)  # by package file path
    stale: tuple[str, ...] = ()  # packages of earlier builds no note goes to any more

    def diagnostics(self) -> list[Diagnostic]:
        """Everything the build that made this record reported, but for reading files."""
        found: list[Diagnostic] = []
        for note in self.notes.values():
            found += from_rows(note.diagnostics)
        found += from_rows(self.model_diagnostics)
        for package in self.packages.values():
            found += from_rows(package.diagnostics)
        return found

    def quality(self) -> QualityReport:
        report = QualityReport(dropped=list(self.model_dropped))
        for package in self.packages.values():
            report.add(package.report)
        return report


# --- Cards as rows: a dedicated codec, because a big vault has hundreds of thousands --------

# A card as a list of its fields in declaration order; these are tuples in a card, lists in JSON.
_FIELDS = tuple(field.name for field in fields(CardNote))
_TUPLES = tuple(
    at
    for at, name in enumerate(_FIELDS)
    if name in ("tags", "media", "focus", "answers", "names", "dated_by")
)


_MOD, _SHAPE = _FIELDS.index("mod"), _FIELDS.index("shape")
_STRINGS = tuple(at for at in range(len(_FIELDS)) if at not in _TUPLES and at != _MOD)


def _row(card: CardNote) -> list[object]:
    return [getattr(card, name) for name in _FIELDS]


def _card(row: list[object]) -> CardNote:
    if len(row) != len(_FIELDS):
        raise ValueError("not a card row")
    for at in _TUPLES:
        row[at] = tuple(str(v) for v in row[at])  # type: ignore[attr-defined]
    if not all(isinstance(row[at], str) for at in _STRINGS):
        raise ValueError("not a card row")
    if type(row[_MOD]) is not int or row[_SHAPE] not in ("basic", "reverse", "cloze"):
        raise ValueError("not a card row")
    return CardNote(*row)  # type: ignore[arg-type]


_CHUNK = 2_000  # rows encoded at a time: a big package's JSON is never one string in memory


def _encode_rows(rows: Iterable[object]) -> bytes:
    """A JSON list of `rows`, compressed as it is made."""
    compressor = zlib.compressobj(1)
    parts = [compressor.compress(b"[")]
    chunk: list[object] = []
    first = True

    def flush() -> None:
        nonlocal first
        text = json.dumps(chunk, ensure_ascii=False, separators=(",", ":"))[1:-1]
        if text:
            comma = "" if first else ","
            parts.append(compressor.compress((comma + text).encode("utf-8", "surrogatepass")))
            first = False
        chunk.clear()

    for row in rows:
        chunk.append(row)
        if len(chunk) == _CHUNK:
            flush()
    flush()
    parts.append(compressor.compress(b"]"))
    parts.append(compressor.flush())
    return b"".join(parts)


def encode_model_cards(cards: list[CardNote]) -> bytes:
    return _encode_rows(_row(card) for card in cards)


def encode_written_cards(cards: dict[str, list[CardNote]]) -> bytes:
    return _encode_rows([path, [_row(c) for c in made]] for path, made in cards.items())


def decode_cards(model: bytes, written: bytes) -> PackageCards:
    """The cards the two encoders wrote; ValueError for anything else."""
    try:
        rows = json.loads(zlib.decompress(written).decode("utf-8", "surrogatepass"))
        by_note = {str(path): [_card(row) for row in made] for path, made in rows}
        rows = json.loads(zlib.decompress(model).decode("utf-8", "surrogatepass"))
        return PackageCards(by_note, [_card(row) for row in rows])
    except (ValueError, TypeError, KeyError, IndexError, zlib.error) as exc:
        raise ValueError(f"unreadable package cards: {exc}") from None


# --- The store's rows ----------------------------------------------------------------------
# `vault`: the record; `model-cards` and `written-cards`: each package's, by its path. Apart,
# because an edit of written cards rewrites only the (small) written row.

_SPACES = ("vault", "model-cards", "written-cards")


def recall_vault(store: Store) -> VaultRecord | None:
    blob = store.get("vault", _VAULT_KEY)
    try:
        return _vault_record(_loads(blob)) if blob is not None else None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None  # damaged, foreign or of another shape: no record


def recall_cards(store: Store, package: Path) -> PackageCards | None:
    model = store.get("model-cards", str(package))
    written = store.get("written-cards", str(package))
    if model is None or written is None:
        return None
    try:
        return decode_cards(model, written)
    except ValueError:
        return None


def forget(store: Store) -> None:
    """No record: the next build is a full one."""
    for space in _SPACES:
        store.drop(space, store.keys(space))


def remember(
    store: Store,
    record: VaultRecord,
    cards: dict[Path, PackageCards],
    every_package: bool,
    model_rows: bool = True,
) -> None:
    """The build's record and the cards of the packages it made. `every_package`: a full build,
    whose packages replace every remembered one; `model_rows`: the model cards of `cards`
    changed too (else only their written cards are new)."""
    if every_package:
        store.drop("model-cards", store.keys("model-cards"))
        store.drop("written-cards", store.keys("written-cards"))
    for package, made in cards.items():
        if model_rows:
            store.put("model-cards", str(package), encode_model_cards(made.model))
        store.put("written-cards", str(package), encode_written_cards(made.written))
    store.put("vault", _VAULT_KEY, _dumps(_vault_json(record)))


# --- The record as plain JSON: a big vault's is thousands of notes and their warnings ------


def _dumps(data: object) -> bytes:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 1)


def _loads(blob: bytes) -> Any:
    try:
        return json.loads(zlib.decompress(blob).decode("utf-8", "surrogatepass"))
    except zlib.error as exc:
        raise ValueError(str(exc)) from None


def _report_json(report: QualityReport) -> list[object]:
    dropped = [[d.kind, d.origin, d.reason, d.question] for d in report.dropped]
    return [dict(report.by_kind), dropped, report.self_answering]


def _report(data: list[Any]) -> QualityReport:
    by_kind, dropped, self_answering = data
    return QualityReport(
        Counter({str(kind): int(n) for kind, n in by_kind.items()}),
        [Dropped(str(k), str(o), str(r), str(q)) for k, o, r, q in dropped],
        [str(origin) for origin in self_answering],
    )


def _rows(data: list[Any]) -> tuple[DiagnosticRow, ...]:
    rows = tuple((str(p), int(n), str(s), str(m)) for p, n, s, m in data)
    from_rows(rows)  # a severity that is not one is a damaged record
    return rows


def _vault_json(record: VaultRecord) -> dict[str, object]:
    notes = [[p, n.key, n.view, n.package, n.diagnostics, n.lines] for p, n in record.notes.items()]
    packages = [
        [
            path,
            r.name,
            r.notes,
            r.dated_by,
            r.decks,
            _report_json(r.report),
            r.diagnostics,
            [r.made_from.inputs, r.made_from.sha256, r.made_from.manifest_sha256],
        ]
        for path, r in record.packages.items()
    ]
    return {
        "format": _FORMAT,
        "options": record.options,
        "files": record.files,
        "notes": notes,
        "model_diagnostics": record.model_diagnostics,
        "model_dropped": _report_json(QualityReport(dropped=list(record.model_dropped)))[1],
        "packages": packages,
        "stale": record.stale,
    }


def _vault_record(data: dict[str, Any]) -> VaultRecord:
    if data["format"] != _FORMAT:
        raise ValueError("another format")
    notes = {
        str(path): NoteRecord(
            str(key), str(view), str(package), _rows(rows), tuple(int(n) for n in lines)
        )
        for path, key, view, package, rows, lines in data["notes"]
    }
    packages: dict[str, PackageRecord] = {}
    for path, name, paths, dated_by, decks, report, rows, made_from in data["packages"]:
        inputs, sha, manifest_sha = (str(part) for part in made_from)
        packages[str(path)] = PackageRecord(
            str(name),
            tuple(str(p) for p in paths),
            tuple(str(p) for p in dated_by),
            {str(d): {str(k): int(n) for k, n in kinds.items()} for d, kinds in decks.items()},
            _report(report),
            _rows(rows),
            Written(inputs, sha, manifest_sha),
        )
    return VaultRecord(
        str(data["options"]),
        str(data["files"]),
        notes,
        _rows(data["model_diagnostics"]),
        tuple(_report([{}, data["model_dropped"], []]).dropped),
        packages,
        tuple(str(path) for path in data["stale"]),
    )
