class SourceFormatError(Exception):
    """A source document that cannot be read as Hansard, with where and why.

    ``str()`` gives ``path:line: message`` so commands can print it unchanged.
    """

    def __init__(self, path: str, line: int | None, message: str):
        self.path = path
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class LoadError(Exception):
    """The database failed while documents were being written (a dropped connection, a
    full disk, ...), so the import was rolled back.

    ``str()`` names the document being written when it failed, for commands to print.
    """

    def __init__(self, path: str | None, stage: str, error: Exception, *, at_commit=False):
        self.path = path
        self.stage = stage
        self.error = error
        # A connection lost during COMMIT leaves unknown whether the commit happened.
        self.at_commit = at_commit
        super().__init__(str(self))

    def __str__(self) -> str:
        reason = " ".join(str(self.error).split()) or type(self.error).__name__
        where = f"{self.path}: " if self.path else ""
        outcome = (
            "the commit may not have completed; importing again is safe"
            if self.at_commit
            else "nothing was imported"
        )
        return f"{where}database error while {self.stage}; {outcome}: {reason}"
