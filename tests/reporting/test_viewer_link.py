"""The DRIMbox link of the report (ANS white paper §3.3.1, issue 23): the site's partial URL (flux 4
URL_PARTIELLE_VIEWER) completed with the report's identifier, and never anything but an http(s) URL."""

from __future__ import annotations

import base64

import pytest

from hl7v2.order import parse_order
from reporting.order import site_messages
from teleplatform.demo import cases
from teleplatform.demo.orders import render, viewer_url


def _messages(url: str | None = None) -> list[str]:
    texts = [render(m).decode("utf-8") for m in cases.MESSAGES if m.case is cases.CT_TAP_CASE]
    if url is not None:
        sent = base64.b64encode(viewer_url(cases.CT_TAP_CASE).encode()).decode()
        texts = [t.replace(sent, base64.b64encode(url.encode()).decode()) for t in texts]
    return texts


def test_the_partial_url_of_the_site_reaches_the_report() -> None:
    _, complement = site_messages(parse_order(_messages()))
    assert complement is not None and complement.viewer_url == viewer_url(cases.CT_TAP_CASE)


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)//drimbox", "file:///etc/passwd", "https://", "https://drimbox.example/a b?idCR="],
)
def test_anything_but_an_http_url_is_not_linked_and_said_so(url: str) -> None:
    _, complement = site_messages(parse_order(_messages(url)))
    assert complement is not None and complement.viewer_url == ""
    assert any("DRIMbox" in w for w in complement.warnings)
