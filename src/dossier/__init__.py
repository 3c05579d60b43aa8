"""Dossier: multilingual news to a verified case database of war resisters."""

__version__ = "0.1.0"

# The store used when no --db is given. Kept here, in a module that imports nothing, so that the command
# line can offer it as a default without loading the database layer (start-up time).
DEFAULT_DB = "dossier.db"
