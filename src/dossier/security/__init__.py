"""Protections for the people in the database: accounts and sessions, sensitivity levels, audit log."""
