"""Django's SQLite backend with `PRAGMA optimize` when a connection closes (settings.py
names it as the ENGINE for SQLite)."""
