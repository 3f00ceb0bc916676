"""Demo and benchmark plan-file generators (pure Python, no Django)."""
