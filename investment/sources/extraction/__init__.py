"""The figure extractor: candidate figures (number, unit, quote, kind, period, scope, indicator) in any text."""

from .candidates import Candidate, Scope
from .extractor import extract_candidates
from .names import NameBook, name_book_from_db

__all__ = ["Candidate", "NameBook", "Scope", "extract_candidates", "name_book_from_db"]
