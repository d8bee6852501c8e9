"""`make bench`: how fast the site is at its real size and at ten times it (run: python -m bench.run).

``run`` orchestrates; the modules it starts as separate processes, each with its own database, are
``synthetic`` (the ten-times data set), ``server_time`` (queries and time per page, in-process),
``open_consultation`` (readies the PostgreSQL database for responses) and ``consultation_export``.
"""
