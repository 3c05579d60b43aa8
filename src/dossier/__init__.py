"""Dossier: multilingual news to a verified case database of war resisters."""

__version__ = "0.1.0"
