"""Builders of the output sheets (presentation: rows, styles, widths)."""
