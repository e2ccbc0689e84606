"""Turning raw Hansard text into rows.

The parsers (``pages``, ``records``, ``parlparse``) are plain Python with no Django
imports: they read text and return the frozen dataclasses in ``parsed``. ``load`` is the
only module here that touches the database.
"""
