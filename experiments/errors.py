"""The one exception type for bad user input."""


class UsageError(Exception):
    """Bad input from the user: reported as one line, exit code 2."""
