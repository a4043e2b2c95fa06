"""The session `platform` fixture other packages' tests rely on: the demo data served for real."""
from __future__ import annotations

from dicomweb_client.api import DICOMwebClient

from tests.platform_fixtures import RunningPlatform


def test_platform_serves_the_demo_over_verified_https(platform: RunningPlatform) -> None:
    assert platform.ca_path == platform.data_dir / "state" / "tls" / "ca.pem"
    assert platform.process.poll() is None
    tokens = [platform.login()["access_token"] for _ in range(3)]  # three logins within one TOTP step
    assert len(set(tokens)) == 3
    with platform.session() as session:
        session.headers["Authorization"] = f"Bearer {tokens[-1]}"
        orders = session.get(f"{platform.base_url}/api/v1/worklist", timeout=30).json()["orders"]
        assert orders and all(o["messages"] and o["history"] for o in orders)
        with_images = {o["study_instance_uid"] for o in orders if o["status"] == "images_disponibles"}
        client = DICOMwebClient(url=f"{platform.base_url}/dicom-web", session=session)
        studies = {s["0020000D"]["Value"][0] for s in client.search_for_studies()}
    assert with_images and with_images <= studies  # every order with images can be read
