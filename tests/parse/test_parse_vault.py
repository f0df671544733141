"""Reading the vault (chaincards.source.vault): discovery, link resolution and decoding."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chaincards.source import vault as vault_module
from chaincards.source.vault import (
    UsageError,
    VaultIndex,
    discover,
    read_note,
    source_date_epoch,
    vault_root_for,
)


def write(path: Path, data: bytes | str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def rel_notes(found) -> list[str]:
    return [p.relative_to(found.root).as_posix() for p in found.note_files]


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "My Vault"
    write(root / "a.md")
    write(root / "ITIL 4" / "Value chain" / "Engage.md")
    write(root / "📁 emoji" / "It's; a & note 🙂.md")
    write(root / "中文" / "离散数学.md")
    write(root / ".obsidian" / "workspace.md")
    write(root / ".trash" / "old.md")
    write(root / ".git" / "x.md")
    write(root / "sub" / ".hidden.md")
    write(root / "attachments" / "diagram.png", b"\x89PNG")
    write(root / "notes.txt")
    write(root / "decks" / "built.md")
    return root


# -- discover -------------------------------------------------------------------------------------


def test_discover_skips_hidden_and_non_matching(vault: Path) -> None:
    found = discover([vault], skip=(vault / "decks",))
    assert found.root == vault.resolve()
    assert found.name == "My Vault"
    assert rel_notes(found) == [
        "ITIL 4/Value chain/Engage.md",
        "a.md",
        "中文/离散数学.md",
        "📁 emoji/It's; a & note 🙂.md",
    ]
    assert found.diagnostics == []


def test_index_holds_every_visible_file(vault: Path) -> None:
    found = discover([vault], skip=(vault / "decks",))
    assert "attachments/diagram.png" in found.index.files
    assert "notes.txt" in found.index.files
    assert not any(f.startswith((".", "decks/")) or "/." in f for f in found.index.files)


def test_include_glob(vault: Path) -> None:
    assert rel_notes(discover([vault], include=("*.txt",))) == ["notes.txt"]


def test_file_named_on_command_line_is_read_whatever_its_extension(vault: Path) -> None:
    found = discover([vault / "notes.txt"])
    assert found.root == vault.resolve()
    assert rel_notes(found) == ["notes.txt"]


def test_several_paths_share_their_common_root(vault: Path) -> None:
    found = discover([vault / "a.md", vault / "中文"])
    assert found.root == vault.resolve()
    assert rel_notes(found) == ["a.md", "中文/离散数学.md"]


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file or folder"):
        discover([tmp_path / "nope"])


def test_folder_symlinks_are_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "v"
    write(root / "real" / "n.md")
    write(tmp_path / "outside" / "o.md")
    os.symlink(tmp_path / "outside", root / "linked-out")
    os.symlink(root / "real", root / "linked-in")
    os.symlink(".", root / "real" / "loop")
    found = discover([root])
    assert rel_notes(found) == ["real/n.md"]
    assert found.diagnostics == []


def test_file_symlink_outside_vault_warns_and_is_skipped(tmp_path: Path) -> None:
    root = tmp_path / "v"
    write(root / "inside.md")
    write(tmp_path / "secret.md")
    os.symlink(tmp_path / "secret.md", root / "leak.md")
    os.symlink(root / "inside.md", root / "alias.md")
    found = discover([root])
    assert rel_notes(found) == ["alias.md", "inside.md"]
    assert [d.format() for d in found.diagnostics] == [
        "leak.md:1: warning: symlink points outside the vault; skipped"
    ]
    assert found.index.resolve("leak.md") is None


def test_vault_root_for(tmp_path: Path) -> None:
    write(tmp_path / "a" / "b" / "n.md")
    write(tmp_path / "a" / "c" / "m.md")
    assert vault_root_for([tmp_path / "a" / "b" / "n.md"]) == (tmp_path / "a" / "b").resolve()
    assert (
        vault_root_for([tmp_path / "a" / "b", tmp_path / "a" / "c" / "m.md"])
        == (tmp_path / "a").resolve()
    )


# -- resolve --------------------------------------------------------------------------------------


@pytest.fixture
def index(tmp_path: Path) -> VaultIndex:
    files = [
        "Plan.md",
        "deep/folder/Plan.md",
        "attachments/diagram.png",
        "deep/more/diagram.png",
        "notes/Pasted image 2024.png",
        "notes/sub/local.png",
        "Book.pdf",
    ]
    found = VaultIndex(tmp_path)
    for rel in files:
        write(tmp_path / rel)
        found.add(rel)
    return found


@pytest.mark.parametrize(
    ("target", "from_note", "expected"),
    [
        ("diagram.png", "x.md", "attachments/diagram.png"),  # shortest path wins
        ("attachments/diagram.png", "x.md", "attachments/diagram.png"),
        ("DIAGRAM.PNG", "x.md", "attachments/diagram.png"),
        ("deep/more/diagram.png", "x.md", "deep/more/diagram.png"),
        ("Pasted%20image%202024.png", "x.md", "notes/Pasted image 2024.png"),
        ("Pasted image 2024.png", "x.md", "notes/Pasted image 2024.png"),
        ("sub/local.png", "notes/n.md", "notes/sub/local.png"),
        ("../attachments/diagram.png", "notes/n.md", "attachments/diagram.png"),
        ("notes\\sub\\local.png", "x.md", "notes/sub/local.png"),
        ("Plan", "x.md", "Plan.md"),
        ("plan", "x.md", "Plan.md"),
        ("Book.pdf", "x.md", "Book.pdf"),
        ("../../outside.png", "notes/n.md", None),
        ("missing.png", "x.md", None),
        ("", "x.md", None),
        ("a\x00b", "x.md", None),
    ],
)
def test_resolve(index: VaultIndex, target: str, from_note: str, expected: str | None) -> None:
    assert index.resolve(target, from_note) == expected


def test_note_names(index: VaultIndex) -> None:
    assert index.note_names() == {"plan"}


# -- read_note ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"\xef\xbb\xbf# T\nx", "# T\nx"),
        (b"a\r\nb\r\n", "a\nb\n"),
        (b"a\rb\r\nc\nd", "a\nb\nc\nd"),
        ("e\u0301".encode(), "\u00e9"),
        (b"", ""),
        ("万国·英语 ✅".encode(), "万国·英语 ✅"),
    ],
)
def test_read_note_decodes(tmp_path: Path, data: bytes, text: str) -> None:
    note, found = read_note(write(tmp_path / "n.md", data), tmp_path, "V")
    assert found == []
    assert note is not None and note.text == text


def test_read_note_source_fields(tmp_path: Path) -> None:
    path = write(tmp_path / "ITIL 4" / "Value chain" / "Engage.md", "t")
    os.utime(path, (1_700_000_000, 1_700_000_000))
    note, _ = read_note(path, tmp_path, "Vault")
    assert note is not None
    assert (note.path, note.vault_name, note.mtime, note.folder_deck) == (
        "ITIL 4/Value chain/Engage.md",
        "Vault",
        1_700_000_000,
        "ITIL 4::Value chain",
    )
    clamped, _ = read_note(path, tmp_path, "Vault", epoch=1_000)
    assert clamped is not None and clamped.mtime == 1_000
    top, _ = read_note(write(tmp_path / "top.md"), tmp_path, "Vault")
    assert top is not None and top.folder_deck is None


def test_nul_byte_is_binary(tmp_path: Path) -> None:
    note, found = read_note(write(tmp_path / "n.md", b"a\nb\n\x00c"), tmp_path, "V")
    assert note is None
    assert [d.format() for d in found] == [
        "n.md:3: error: binary file (NUL byte), not a Markdown note"
    ]


@pytest.mark.parametrize(
    ("data", "line", "byte"),
    [
        (b"ok\nline2 caf\xe9\n", 2, "0xe9"),
        (b"\xff", 1, "0xff"),
        (b"abc\n\n\xe4\xb8", 3, "0xe4"),
        (b"a\r\nb\r\n\x80", 3, "0x80"),
    ],
)
def test_invalid_utf8_names_byte_and_line(
    tmp_path: Path, data: bytes, line: int, byte: str
) -> None:
    note, found = read_note(write(tmp_path / "n.md", data), tmp_path, "V")
    assert note is None
    assert [d.format() for d in found] == [
        f"n.md:{line}: error: not UTF-8: invalid byte {byte}; re-save as UTF-8"
    ]


def test_invalid_byte_line_after_lone_cr(tmp_path: Path) -> None:
    _, found = read_note(write(tmp_path / "n.md", b"a\rb\r\xff"), tmp_path, "V")
    assert found[0].line == 3


def test_oversized_file_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vault_module, "MAX_NOTE_BYTES", 10)
    note, found = read_note(write(tmp_path / "n.md", "x" * 11), tmp_path, "V")
    assert note is None
    assert [d.format() for d in found] == ["n.md:1: error: file is 11 bytes, over the 20 MiB limit"]


def test_a_folder_in_place_of_a_note_is_skipped_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "dir.md").mkdir()
    note, found = read_note(tmp_path / "dir.md", tmp_path, "V")
    assert note is None
    (message,) = [d.format() for d in found]
    assert message == "dir.md:1: warning: cannot read file: Is a directory; skipped"


def test_a_note_gone_before_it_is_read_is_a_warning(tmp_path: Path) -> None:
    note, found = read_note(tmp_path / "gone.md", tmp_path, "V")
    assert note is None
    (message,) = [d.format() for d in found]
    assert message == "gone.md:1: warning: file disappeared while the vault was read; skipped"


@pytest.mark.parametrize(("value", "expected"), [("123", 123), (" 5 ", 5), ("", None)])
def test_source_date_epoch(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: int | None
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert source_date_epoch() == expected


@pytest.mark.parametrize("value", ["x", "²", "1.5", "-3", "12 34"])
def test_a_bad_source_date_epoch_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(UsageError, match=r"SOURCE_DATE_EPOCH=.*not a whole number of seconds"):
        source_date_epoch()
