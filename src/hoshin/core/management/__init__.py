"""What Hoshin's command-line verbs share (commands/_base.py: clean errors, migrated
database, dates, progress bars) and `hoshin serve`, which runs the whole project and
imports no app. Every other verb lives in its own app's management/commands/."""
