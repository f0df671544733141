"""Finding a profile's collection: Anki's data folder on each system, and its profiles."""

from __future__ import annotations

from pathlib import Path

import pytest

from chaincards.collection.profiles import anki_data_folder, profile_collection, profiles_in

HOME = "/home/learner"


# The data folder


def test_anki_base_wins_on_every_system() -> None:
    env = {
        "ANKI_BASE": "/srv/anki-data",
        "HOME": HOME,
        "XDG_DATA_HOME": "/xdg",
        "APPDATA": "/appdata",
    }
    for platform in ("linux", "darwin", "win32"):
        assert anki_data_folder(env, platform) == Path("/srv/anki-data"), platform


def test_anki_base_expands_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert anki_data_folder({"ANKI_BASE": "~/AnkiData"}, "linux") == tmp_path / "AnkiData"


def test_an_empty_anki_base_is_ignored() -> None:
    env = {"ANKI_BASE": "", "HOME": HOME}
    assert anki_data_folder(env, "linux") == Path(HOME, ".local", "share", "Anki2")


def test_linux_without_xdg_data_home() -> None:
    assert anki_data_folder({"HOME": HOME}, "linux") == Path(HOME, ".local", "share", "Anki2")


def test_linux_with_xdg_data_home() -> None:
    env = {"HOME": HOME, "XDG_DATA_HOME": "/data/xdg"}
    assert anki_data_folder(env, "linux") == Path("/data/xdg", "Anki2")


def test_darwin() -> None:
    env = {"HOME": "/Users/learner", "XDG_DATA_HOME": "/data/xdg"}
    expected = Path("/Users/learner", "Library", "Application Support", "Anki2")
    assert anki_data_folder(env, "darwin") == expected


def test_win32_with_appdata() -> None:
    env = {"HOME": HOME, "APPDATA": "/roaming", "XDG_DATA_HOME": "/data/xdg"}
    assert anki_data_folder(env, "win32") == Path("/roaming", "Anki2")


def test_win32_without_appdata() -> None:
    expected = Path(HOME, "AppData", "Roaming", "Anki2")
    assert anki_data_folder({"HOME": HOME}, "win32") == expected


# Profiles


def make_profiles(folder: Path, *names: str) -> Path:
    for name in names:
        (folder / name).mkdir(parents=True)
        (folder / name / "collection.anki2").write_bytes(b"")
    return folder


def test_profiles_are_the_sub_folders_holding_a_collection_sorted(tmp_path: Path) -> None:
    # Enough names that the folder's own listing order is all but never the sorted one.
    names = ["Zed", "Alice", "Maria", "Bob", "Yusuf", "Chen", "Kofi", "Dana"]
    folder = make_profiles(tmp_path / "Anki2", *names)
    (folder / "addons21").mkdir()  # no collection: not a profile
    (folder / "Empty").mkdir()
    (folder / "Odd" / "collection.anki2").mkdir(parents=True)  # a folder, not a file
    (folder / "prefs21.db").write_bytes(b"")
    (folder / "collection.anki2").write_bytes(b"")  # at the top: no profile of its own
    assert profiles_in(folder) == sorted(names)
    assert profiles_in(folder)[:3] == ["Alice", "Bob", "Chen"]


def test_a_missing_data_folder_has_no_profiles(tmp_path: Path) -> None:
    assert profiles_in(tmp_path / "missing") == []


def test_a_file_in_place_of_the_data_folder_has_no_profiles(tmp_path: Path) -> None:
    (tmp_path / "Anki2").write_text("not a folder", encoding="utf-8")
    assert profiles_in(tmp_path / "Anki2") == []


def test_profile_collection_is_the_profiles_collection_file(tmp_path: Path) -> None:
    folder = make_profiles(tmp_path / "Anki2", "Alice", "User 1")
    assert profile_collection("User 1", folder) == folder / "User 1" / "collection.anki2"
    assert profile_collection("Alice", folder) == folder / "Alice" / "collection.anki2"


def test_an_unknown_profile_names_those_there_and_collection(tmp_path: Path) -> None:
    folder = make_profiles(tmp_path / "Anki2", "Bob", "Alice")
    (folder / "Carol").mkdir()  # a folder without a collection is no profile
    with pytest.raises(ValueError) as raised:
        profile_collection("Carol", folder)
    message = str(raised.value)
    assert "'Carol'" in message
    assert "'Alice', 'Bob'" in message
    assert str(folder) in message
    assert "--collection" in message


def test_an_unknown_profile_in_an_empty_folder_says_there_are_none(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"profiles there: none\).*--collection"):
        profile_collection("User 1", tmp_path / "missing")
