"""Rules → issues (sheet, row, column, value, code), the issue report and highlights."""
