from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest

from auth.keystore import VolatileKeyring


@pytest.fixture
def memory_keyring() -> Iterator[VolatileKeyring]:
    """The process-wide keyring replaced by an in-memory one for the test, then restored."""
    previous = keyring.get_keyring()
    backend = VolatileKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)
