"""Errors of the extract pipeline, and the exit codes they map to.

ExtractError                      base; carries ``path``, ``page`` and an ``exit_code``
├── InputError                    the file cannot be read as a PDF (exit 3)
│   ├── MissingFileError          no such file, or not a regular file
│   ├── EmptyFileError            zero bytes, or a PDF with no pages
│   ├── NotAPdfError              the bytes are not a PDF (HTML, image, text …)
│   ├── EncryptedPdfError         the PDF needs a password
│   ├── CorruptPdfError           truncated or damaged PDF
│   ├── ChangedFileError          the file changed while it was read (still being copied?)
│   └── BudgetError               past a resource budget: inflated streams, memory, time, page size
├── UnknownFormError              a readable PDF, but no template matches a page (exit 3)
├── TemplateError                 a template or rule file is invalid (exit 2); names file and key path
├── SettingsError                 a setting is invalid: unknown key, out of range, unknown engine (exit 2)
├── OutputError                   an output file cannot be written (exit 2)
│   └── LedgerError               the ledger cannot be opened, read or written: a folder, corrupt, read-only
├── MissingDependencyError        an external program (tesseract, its chi_sim data) is missing (exit 3)
└── OcrError                      an OCR engine failed on a page (exit 3)

ValueParseError is separate: it is raised by ``values`` when a cell's text is not a value of the
expected type; the field mapper catches it and lists the field under ``review``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from enum import IntEnum


class ExitCode(IntEnum):
    """The CLI contract, documented in the README."""

    OK = 0
    FLAGGED = 1  # some check failed or a field needs review
    USAGE = 2  # bad arguments, bad template, unwritable output
    INPUT = 3  # some file could not be read (the others were still processed)


class ExtractError(Exception):
    """Base of all errors the pipeline raises on purpose."""

    exit_code: ExitCode = ExitCode.INPUT
    reason: str = "cannot be processed"

    def __init__(self, message: str = "", *, path: str | None = None, page: int | None = None) -> None:
        super().__init__(message or self.reason)
        self.message = message or self.reason
        self.path = path
        self.page = page

    def one_line(self) -> str:
        """``file p2: reason`` — the single line the CLI prints on stderr."""
        where = printable(self.path) if self.path else "<input>"
        if self.page is not None:
            where += f" p{self.page}"
        return f"{where}: {self.message}".replace("\n", " ")


@contextlib.contextmanager
def stamped(path: str, page: int | None = None) -> Iterator[None]:
    """Errors raised inside the block name ``path`` (and ``page``) where they do not name their own: the
    pipeline wraps each stage in it, so a stage deep down need not know which file it is working on."""
    try:
        yield
    except ExtractError as exc:
        if exc.path is None:
            exc.path = path
        if exc.page is None and page is not None:
            exc.page = page
        raise


def printable(path: str) -> str:
    """A file name as it can be printed and stored as text: bytes that are not UTF-8 (kept by Python as
    surrogates) become ``\\xNN`` escapes, so any name the file system allows is reported, never a crash."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class InputError(ExtractError):
    reason = "cannot be read"


class MissingFileError(InputError):
    reason = "no such file"


class EmptyFileError(InputError):
    reason = "empty file"


class NotAPdfError(InputError):
    reason = "not a PDF"


class EncryptedPdfError(InputError):
    reason = "encrypted PDF: it needs a password; decrypt it first (e.g. qpdf --decrypt in.pdf out.pdf)"


class CorruptPdfError(InputError):
    reason = "corrupt or truncated PDF"


class ChangedFileError(InputError):
    reason = "changed while it was read (still being written?); read it again once it is complete"


class BudgetError(InputError):
    reason = "past a resource budget"


class UnknownFormError(ExtractError):
    reason = "no known form found (no template matches any page)"


class TemplateError(ExtractError):
    exit_code = ExitCode.USAGE
    reason = "invalid template"


class SettingsError(ExtractError, ValueError):
    """A setting that cannot be: the message names it (``PrepSettings.dpi``) and says what it may be."""

    exit_code = ExitCode.USAGE
    reason = "invalid setting"


class OutputError(ExtractError):
    exit_code = ExitCode.USAGE
    reason = "cannot write output"


class LedgerError(OutputError):
    reason = "cannot use the ledger"


class MissingDependencyError(ExtractError):
    reason = "a required program is missing"


class OcrError(ExtractError):
    reason = "OCR failed"


class ValueParseError(ValueError):
    """A cell's text is not a value of the expected type."""

    def __init__(self, text: str, kind: str) -> None:
        super().__init__(f"cannot read {text!r} as {kind}")
        self.text = text
        self.kind = kind
