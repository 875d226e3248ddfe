"""Errors that end the parsing of one input with one clear line (contract 1).

``govstats parse`` prints ``str(err)`` on stderr and exits non-zero; ``govstats build`` writes it
to the manifest and goes on with the next file.
"""


class GovstatsError(Exception):
    """Base class: a problem with the input, not a bug. ``status`` is the manifest status."""

    status = "failed"


class InputMissing(GovstatsError):
    """The path does not exist or is not a regular file."""


class EmptyInput(GovstatsError):
    """The file has no bytes, or no text once decoded."""


class UnreadableInput(GovstatsError):
    """Binary junk, a corrupt/truncated container, an undecodable encoding."""


class UnsupportedInput(GovstatsError):
    """A kind of file govstats does not read (image, spreadsheet, archive...)."""

    status = "skipped"


class NotAReport(GovstatsError):
    """Readable text, but not a government information-disclosure report."""
