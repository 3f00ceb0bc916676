"""Pure computation for progress, status, expected pace and roll-up. No Django imports here."""
