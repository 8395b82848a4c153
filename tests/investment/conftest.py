"""Fixtures for the roll-up tests."""

import pytest

from .builders import world as build_world


@pytest.fixture
def world(db):
    return build_world()
