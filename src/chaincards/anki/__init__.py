"""Anki output: chaincards' notetypes and the .apkg package writer."""

from chaincards.anki.notetypes import fields_for, notetype_for
from chaincards.anki.package import package_file_name, package_groups, write_package

__all__ = ["fields_for", "notetype_for", "package_file_name", "package_groups", "write_package"]
