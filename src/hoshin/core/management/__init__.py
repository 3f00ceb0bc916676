"""Hoshin's command-line verbs (`hoshin serve`, `hoshin demo`, ...) as Django commands."""
