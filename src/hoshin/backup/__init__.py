"""Backup and restore of a whole organisation: every table the app keeps, execution records
and history included (docs/backup.md). It sits on top, like the command line: no other app
imports it."""
