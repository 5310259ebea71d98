"""Fixtures for the athletes tests: her profile, another coach's athlete, the document store."""

from __future__ import annotations

import pytest

from tests.athletes.records import document_storage, stored_files


@pytest.fixture(autouse=True)
def _empty_document_storage():
    # The in-memory storage outlives each test (and ids are reused after a rollback).
    storage = document_storage()
    for name in stored_files():
        storage.delete(name)
    yield
    for name in stored_files():
        storage.delete(name)
