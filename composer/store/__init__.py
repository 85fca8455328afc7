"""The workspace: one SQLite file. ``database`` opens it and hands out the repositories
(``people``, ``requests``); ``people_table`` pages, sorts and filters people for the People
table; ``schema`` migrates it; ``people_io``, ``people_csv`` and ``people_export`` read and
write people files; ``seed`` makes the sample workspace. All SQL
lives here and in ``composer.delivery.records``.
"""

__all__: list[str] = []
