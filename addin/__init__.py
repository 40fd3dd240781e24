"""Excel CRM add-in: the package the workbook's ribbon and the `crm` command call."""
__version__ = "0.1.0"
