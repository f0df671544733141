"""The build store (issue 19): one SQLite file of plain encoded rows, never pickles.

Whatever happened to the store file (cut short, bytes flipped, another schema, tables of
something else, not a database at all) a build through the CLI succeeds, writes the packages a
build without a cache writes, and says once that the cache was started anew; pickles an older
or a hostile hand left in the cache folder are never read, so the code they carry never runs.
The codec builds only the classes it is given and rejects everything else with a ValueError.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import pickle
import shlex
import shutil
import sqlite3
import zlib
from collections import Counter
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chaincards.cards.card import CardNote
from chaincards.cli import app
from chaincards.diagnostics import Diagnostic, Severity, error, warning
from chaincards.parse.cache import ParseCache, RecordingResolver
from chaincards.parse.note import parse_note
from chaincards.pipeline import compile_vault, load_vault
from chaincards.store import Decoder, Store, encode
from chaincards.store.database import FILE_NAME, SCHEMA

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "notes"
CACHE = ".chaincards-cache"  # the CLI's cache folder in the vault


def copy_sample(folder: Path) -> Path:
    """The sample vault in `folder`/vault, without any cache a local build left in it."""
    vault = folder / "vault"
    shutil.copytree(SAMPLE, vault, ignore=shutil.ignore_patterns(CACHE))
    return vault


def build(vault: Path, out: Path, *extra: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["build", str(vault), "--out", str(out), "--json", *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    assert report["exit_code"] == 0
    return report


def digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.apkg"))
    }


def cache_warnings(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        d
        for d in report["diagnostics"]
        if d["severity"] == "warning" and "cache" in f"{d['path']} {d['message']}".lower()
    ]


@pytest.fixture(scope="module")
def cold(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The packages of a build of the sample vault without any cache."""
    folder = tmp_path_factory.mktemp("cold")
    vault = copy_sample(folder)
    report = build(vault, folder / "out", "--no-cache")
    assert report["diagnostics"] == []  # so that any warning later is the store's
    assert not (vault / CACHE).exists()
    found = digests(folder / "out")
    assert found
    return found


# --- Ways the store file is found damaged or foreign -------------------------------------------


def truncate(store: Path) -> None:
    data = store.read_bytes()
    store.write_bytes(data[: len(data) // 2])


def flip_bytes(store: Path) -> None:
    data = bytearray(store.read_bytes())
    page = 4096
    middle = len(data) // 2 // page * page  # one whole page in the middle, header and all
    data[middle : middle + page] = bytes(b ^ 0xFF for b in data[middle : middle + page])
    store.write_bytes(bytes(data))


def other_schema(store: Path) -> None:
    db = sqlite3.connect(store)
    db.execute(f"PRAGMA user_version = {SCHEMA + 1}")  # a later chaincards wrote it
    db.commit()
    db.close()


def _foreign(store: Path, script: str) -> None:
    store.unlink()
    db = sqlite3.connect(store)
    db.executescript(script)
    db.commit()
    db.close()


def foreign_meta(store: Path) -> None:
    _foreign(store, "CREATE TABLE meta (id INTEGER, blob BLOB); CREATE TABLE entries (x);")


def foreign_entries(store: Path) -> None:
    # The store's schema number and a `meta` it can use, but `entries` of another layout.
    _foreign(
        store,
        "CREATE TABLE entries (note TEXT PRIMARY KEY, parsed BLOB, mtime INTEGER);"
        "INSERT INTO entries VALUES ('a.md', x'00', 1);"
        f"PRAGMA user_version = {SCHEMA};",
    )


def not_a_database(store: Path) -> None:
    store.write_bytes(b"this is not a database\n" * 1000)


def empty_file(store: Path) -> None:
    store.write_bytes(b"")


DAMAGES = [
    pytest.param(truncate, id="truncated"),
    pytest.param(flip_bytes, id="bytes flipped"),
    pytest.param(other_schema, id="other schema"),
    pytest.param(foreign_meta, id="foreign meta table"),
    pytest.param(foreign_entries, id="foreign entries table"),
    pytest.param(not_a_database, id="not a database"),
]


def payload(marker: Path) -> bytes:
    """A pickle whose loading runs a shell command that creates `marker`."""

    class Hostile:
        def __reduce__(self) -> tuple[Callable[[str], int], tuple[str]]:
            return os.system, (f"touch {shlex.quote(str(marker))}",)

    return pickle.dumps(Hostile())


def test_the_hostile_pickle_would_run_code(tmp_path: Path) -> None:
    """The payload the next tests leave in the cache folder is live: loading it runs code."""
    proof = tmp_path / "proof"
    pickle.loads(payload(proof))  # on purpose: what a build must never do
    assert proof.exists()


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_store_only_costs_time_and_one_warning(
    tmp_path: Path, cold: dict[str, str], damage: Callable[[Path], None]
) -> None:
    vault, out = copy_sample(tmp_path), tmp_path / "out"
    first = build(vault, out)
    assert first["diagnostics"] == []
    store = vault / CACHE / FILE_NAME
    before = Store(vault / CACHE)
    notes = before.keys("parse")
    before.close()
    assert notes
    damage(store)
    report = build(vault, out)
    assert digests(out) == cold
    assert report["reused_last_build"] is False
    [only] = report["diagnostics"]  # exactly one, and it is about the cache
    assert cache_warnings(report) == [only]
    # The store was started anew and holds this build: every note and the build record.
    renewed = Store(vault / CACHE)
    try:
        assert not renewed.reset
        assert renewed.keys("parse") == notes
        assert renewed.keys("vault") == {"last"}
    finally:
        renewed.close()


def test_the_warning_is_one_printed_line(tmp_path: Path, cold: dict[str, str]) -> None:
    vault, out = copy_sample(tmp_path), tmp_path / "out"
    build(vault, out)
    not_a_database(vault / CACHE / FILE_NAME)
    result = CliRunner().invoke(app, ["build", str(vault), "--out", str(out)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert len(warnings) == 1 and "cache" in warnings[0], result.stderr
    assert warnings[0].startswith(f"{CACHE}/{FILE_NAME}:1: warning: ")
    assert digests(out) == cold


@pytest.mark.parametrize("damage", [*DAMAGES, pytest.param(empty_file, id="empty file")])
def test_a_damaged_store_is_started_anew_with_the_reason(
    tmp_path: Path, damage: Callable[[Path], None]
) -> None:
    store = Store(tmp_path)
    store.put("parse", "key", encode("value"))
    store.close()
    damage(tmp_path / FILE_NAME)
    again = Store(tmp_path)
    try:
        assert again.reset or damage is empty_file  # an empty file is a new database
        assert again.keys("parse") == set()
        again.put("parse", "key", encode("value"))
        assert again.get("parse", "key") == encode("value")
    finally:
        again.close()
    db = sqlite3.connect(tmp_path / FILE_NAME)
    assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA,)
    assert db.execute("PRAGMA quick_check").fetchone() == ("ok",)
    db.close()


@pytest.mark.parametrize("damage", DAMAGES)
def test_the_build_after_the_renewed_store_is_quiet_and_reuses_it(
    tmp_path: Path, cold: dict[str, str], damage: Callable[[Path], None]
) -> None:
    vault, out = copy_sample(tmp_path), tmp_path / "out"
    build(vault, out)
    damage(vault / CACHE / FILE_NAME)
    assert len(cache_warnings(build(vault, out))) == 1
    after = build(vault, out)
    assert after["reused_last_build"] is True
    assert after["diagnostics"] == []
    assert digests(out) == cold


def test_a_store_replaced_by_a_pickle_is_not_loaded(tmp_path: Path, cold: dict[str, str]) -> None:
    vault, out = copy_sample(tmp_path), tmp_path / "out"
    build(vault, out)
    marker = tmp_path / "marker"
    (vault / CACHE / FILE_NAME).write_bytes(payload(marker))
    report = build(vault, out)
    assert not marker.exists()
    assert digests(out) == cold
    assert len(cache_warnings(report)) == len(report["diagnostics"]) == 1


@pytest.mark.parametrize("first_with_cache", [True, False], ids=["after a build", "no store"])
def test_stray_pickles_in_the_cache_folder_are_never_read(
    tmp_path: Path, cold: dict[str, str], first_with_cache: bool
) -> None:
    vault, out = copy_sample(tmp_path), tmp_path / "out"
    if first_with_cache:
        build(vault, out)
    marker = tmp_path / "marker"
    cache = vault / CACHE
    # Where the pickle caches of earlier chaincards kept their files, and a few more.
    strays = [
        cache / "build.pickle",
        cache / "notes" / "ab" / f"{'0' * 64}.pickle",
        cache / "cards" / "00.pickle",
        cache / "resolutions" / "00.pickle",
        cache / f"{FILE_NAME}.pickle",
        cache / "store.pickle",
    ]
    for stray in strays:
        stray.parent.mkdir(parents=True, exist_ok=True)
        stray.write_bytes(payload(marker))
    for _ in range(2):  # a full build, then an unchanged one
        report = build(vault, out)
        assert not marker.exists()
        assert report["diagnostics"] == []  # the store itself is fine: no warning
        assert digests(out) == cold
    assert report["reused_last_build"] is True
    assert all(stray.read_bytes() == payload(marker) for stray in strays)  # only left alone


def test_every_row_of_a_built_store_is_compressed_json(tmp_path: Path) -> None:
    vault = copy_sample(tmp_path)
    build(vault, tmp_path / "out")
    assert sorted(p.name for p in (vault / CACHE).iterdir()) == [FILE_NAME]  # one store, all in it
    db = sqlite3.connect(vault / CACHE / FILE_NAME)
    spaces: Counter[str] = Counter()
    for space, value in db.execute("SELECT space, value FROM entries"):
        spaces[space] += 1
        json.loads(zlib.decompress(value).decode("utf-8", "surrogatepass"))
    db.close()
    assert set(spaces) == {"parse", "vault", "model-cards", "written-cards"}


# --- The store's own contract --------------------------------------------------------------


def test_rows_are_kept_by_space_and_key_and_committed_at_close(tmp_path: Path) -> None:
    store = Store(tmp_path / "new" / "folder")  # made when missing
    store.put("parse", "a", b"1")
    store.put("parse", "b", b"2")
    store.put("build", "a", b"3")
    store.put("parse", "a", b"4")  # replaced
    assert store.get("parse", "a") == b"4" and store.get("parse", "c") is None
    store.drop("parse", ["b", "missing"])
    assert store.keys("parse") == {"a"} and store.keys("build") == {"a"}
    store.close()
    again = Store(tmp_path / "new" / "folder")
    assert (again.get("parse", "a"), again.get("build", "a"), again.reset) == (b"4", b"3", "")
    again.close()


def test_a_store_without_a_folder_is_in_memory(tmp_path: Path) -> None:
    store = Store(None)
    store.put("parse", "a", b"1")
    assert store.get("parse", "a") == b"1" and store.path is None
    store.close()
    assert list(tmp_path.iterdir()) == []


# --- The codec ---------------------------------------------------------------------------------


def _same(got: Any, want: Any) -> None:
    """Equal, and of the same types all the way down (a list is no tuple, 'x' no enum)."""
    assert type(got) is type(want), (got, want)
    if isinstance(want, dict):
        assert list(got) == list(want)
        for key in want:
            _same(got[key], want[key])
    elif isinstance(want, list | tuple):
        assert len(got) == len(want)
        for item, wanted in zip(got, want, strict=True):
            _same(item, wanted)
    else:
        assert got == want


PLAIN: list[Any] = [
    None,
    True,
    0,
    -(2**70),
    1.5,
    "",
    "ünïcödé ✓ 漢字",
    "\udcff surrogate-escaped byte of a file name",
    (),
    (1, ("nested", (2.0,))),
    [1, [2, (3,)]],
    frozenset({"a", ("b", 1)}),
    {"x", "y"},
    Path("ITIL 4/Chapter 5.md"),
    Counter({"callout": 3, ("flow", "x"): 1}),
    {("a", 1): [Path("p")], "k": {"inner": frozenset()}},
    {"t": "a dict whose keys look like the codec's tags", "c": 1, "p": 2},
]


@pytest.mark.parametrize("value", PLAIN, ids=[type(v).__name__ for v in PLAIN])
def test_plain_values_round_trip_with_their_types(value: Any) -> None:
    blob = encode(value)
    assert isinstance(blob, bytes)
    decoded = Decoder([]).decode(blob)
    _same(decoded, value)


def test_parsed_notes_of_the_sample_vault_round_trip(tmp_path: Path) -> None:
    loaded = load_vault([copy_sample(tmp_path)])
    assert len(loaded.sources) >= 5
    store = Store(None)
    cache = ParseCache(store)
    asked = 0
    for source in loaded.sources:
        recorder = RecordingResolver(loaded.vault.index.resolve)
        result = parse_note(source, recorder)
        assert result.note is not None
        cache.put(source, recorder.asked, result)  # (target, note) → path or None
        asked += len(recorder.asked)
        again = cache.get(source, loaded.vault.index.resolve)
        assert again == result
        assert again is not None and again.note is not None
        assert type(again.note.blocks) is tuple and again.note.source == source
    assert asked > 0  # the sample's embeds were looked up, and the answers kept
    assert (cache.hits, cache.misses) == (len(loaded.sources), 0)
    store.close()


def test_cards_of_the_sample_vault_round_trip(tmp_path: Path) -> None:
    cards = compile_vault([copy_sample(tmp_path)]).cards
    assert len(cards) > 100
    decoder = Decoder([CardNote])
    for card in cards:
        _same(decoder.decode(encode(card)), card)
    assert decoder.decode(encode(cards)) == cards


def test_diagnostics_round_trip_equal() -> None:
    diagnostics = [warning("a.md", 3, "image not found"), error("b.md", 1, "bad deck")]
    assert Decoder([Diagnostic, Severity]).decode(encode(diagnostics)) == diagnostics


def test_diagnostics_round_trip_with_their_severity() -> None:
    diagnostics = [warning("a.md", 3, "image not found"), error("b.md", 1, "bad deck")]
    decoded = Decoder([Diagnostic, Severity]).decode(encode(diagnostics))
    assert [d.severity for d in decoded] == [Severity.WARNING, Severity.ERROR]
    assert all(type(d.severity) is Severity for d in decoded)
    assert decoded[1].severity is Severity.ERROR
    assert Decoder([Severity]).decode(encode(Severity.ERROR)) is Severity.ERROR
    with pytest.raises(ValueError):
        Decoder([]).decode(encode(Severity.ERROR))  # an enum the caller did not allow


def test_a_value_the_codec_cannot_hold_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        encode(object())
    with pytest.raises(TypeError):
        encode({"f": lambda: None})


class Colour(Enum):
    RED = "red"


def test_a_class_not_allowed_is_a_value_error() -> None:
    blob = encode([warning("a.md", 1, "m")])
    with pytest.raises(ValueError):
        Decoder([CardNote]).decode(blob)
    with pytest.raises(ValueError):
        Decoder([]).decode(encode(Colour.RED))
    assert Decoder([Colour]).decode(encode([Colour.RED])) == [Colour.RED]


def _blob(text: str | bytes) -> bytes:
    return zlib.compress(text.encode() if isinstance(text, str) else text)


def test_a_crafted_entry_cannot_name_a_callable(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    decoder = Decoder([Diagnostic, Severity])
    command = f"touch {shlex.quote(str(marker))}"
    for name in ("system", "os.system", "posix.system", "eval", "exec", "__import__"):
        with pytest.raises(ValueError, match="not a stored class"):
            decoder.decode(_blob(json.dumps({"c": name, "v": [command]})))
        with pytest.raises(ValueError):
            decoder.decode(_blob(json.dumps({"e": name, "v": command})))
    nested = {"c": "Diagnostic", "v": ["a.md", 1, {"c": "system", "v": [command]}, "m"]}
    with pytest.raises(ValueError):
        decoder.decode(_blob(json.dumps(nested)))
    assert not marker.exists()


GARBAGE = [
    b"",
    b"\x00" * 64,
    bytes(range(256)),
    encode(("a", 1))[:-3],  # cut short
    bytes(b ^ (i == 5) for i, b in enumerate(encode(("a", 1)))),  # one bit changed
    _blob("{not json"),
    _blob(b"\xff\xfe\x00 not utf-8"),
    _blob("[" * 100_000 + "]" * 100_000),  # deeper than Python recurses
    _blob('{"c": "Diagnostic", "v": ["a.md"]}'),  # too few fields
    _blob('{"c": "Diagnostic", "v": 5}'),
    _blob('{"d": [[1]]}'),
    _blob('{"n": 3}'),
    _blob('{"f": [[1, 2]]}'),  # a list cannot be a set member
    pickle.dumps(("a", 1)),
]


@pytest.mark.parametrize("blob", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_bytes_are_a_value_error(blob: bytes) -> None:
    with pytest.raises(ValueError):
        Decoder([Diagnostic, Severity]).decode(blob)


def test_no_source_file_imports_pickle() -> None:
    """Nothing under src/ may load a pickle: no module of the pickle family is imported."""
    banned = {"pickle", "_pickle", "cPickle", "cloudpickle", "dill", "shelve", "marshal"}
    sources = sorted((ROOT / "src").rglob("*.py"))
    assert len(sources) > 20
    found = []
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text, str(path))):
            names: list[object] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
                called = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if called in ("import_module", "__import__") and node.args:
                    first = node.args[0]
                    names = [first.value] if isinstance(first, ast.Constant) else []
            found += [
                f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}: {name}"
                for name in names
                if isinstance(name, str) and name.split(".")[0] in banned
            ]
        assert "import pickle" not in text
    assert found == []
