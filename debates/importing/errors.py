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
