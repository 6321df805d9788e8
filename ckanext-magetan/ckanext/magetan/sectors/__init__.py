"""Sektor: CKAN groups as the sectors of the statistics book.

The schema is ``schemas/sektor.yaml`` (an English title and the book's
chapter); this package orders sectors by chapter and validates chapters.
"""
