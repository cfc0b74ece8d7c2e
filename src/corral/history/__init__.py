"""The run history: every apply, check and run recorded in one SQLite database."""
