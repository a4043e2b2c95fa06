"""Issue 23, item 9: the platform issues offline restart codes to a radiologist's live session only
(auth.session on the workstation explains the design), never to a site account, and keeps none."""

from __future__ import annotations

from .builders import SITE_ACCOUNT
from .conftest import Live


def test_a_radiologist_gets_five_fresh_twelve_digit_codes(live: Live) -> None:
    live.authorize()
    first = live.session.post(live.url("/api/v1/auth/offline-codes"), json={})
    second = live.session.post(live.url("/api/v1/auth/offline-codes"), json={})
    assert first.status_code == second.status_code == 200, first.text
    codes = first.json()["codes"]
    assert len(codes) == 5 and all(len(c) == 12 and c.isdigit() for c in codes)
    assert len(set(codes)) == 5 and not set(codes) & set(second.json()["codes"])
    state = b"".join(f.read_bytes() for f in live.platform.store.path.parent.glob("platform.sqlite*"))
    assert state and not any(code.encode() in state for code in codes)  # issued, not kept


def test_without_a_session_or_as_a_site_no_code_is_issued(live: Live) -> None:
    assert live.session.post(live.url("/api/v1/auth/offline-codes"), json={}).status_code == 401
    site = live.token(SITE_ACCOUNT)
    refused = live.session.post(
        live.url("/api/v1/auth/offline-codes"), json={}, headers={"Authorization": f"Bearer {site}"}
    )
    assert refused.status_code == 403 and refused.json()["error"] == "role_not_allowed"
