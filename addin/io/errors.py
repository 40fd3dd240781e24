"""The one error an engine raises for input it cannot use."""


class PackageError(Exception):
    """The file is not a workbook the tool can use."""
