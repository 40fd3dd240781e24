"""The manager's view: reps' workbooks collected into one database (SQLite or PostgreSQL) and the
team workbook built from it. `collect` writes the database, `manager` reads it; `schema` and
`db` own its tables and migrations."""
