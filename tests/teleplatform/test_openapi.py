"""teleplatform/openapi.yaml documents exactly the routes the server has."""

from __future__ import annotations

from pathlib import Path

import yaml

from teleplatform.api import Platform
from teleplatform.web import Route

SPEC = Path(__file__).resolve().parents[2] / "teleplatform" / "openapi.yaml"


def _routes(tmp_path: Path) -> list[Route]:
    platform = Platform.open(tmp_path)
    try:
        return platform.routes()
    finally:
        platform.close()


def test_openapi_is_3_1_and_lists_every_route(tmp_path: Path) -> None:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    assert spec["openapi"].startswith("3.1")
    documented = {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in ("get", "post", "put", "delete", "patch")
    }
    implemented = {(route.method, route.template) for route in _routes(tmp_path)}
    assert implemented - documented == set(), "routes missing from openapi.yaml"
    assert documented - implemented == set(), "openapi.yaml documents routes the server does not have"


def test_public_routes_are_the_documented_public_ones(tmp_path: Path) -> None:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    public_doc = {
        (m.upper(), p)
        for p, item in spec["paths"].items()
        for m, op in item.items()
        if isinstance(op, dict) and op.get("security") == []
    }
    public_code = {(r.method, r.template) for r in _routes(tmp_path) if not r.authenticated}
    assert public_doc == public_code


def test_every_reference_resolves() -> None:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))

    def refs(node: object) -> list[str]:
        if isinstance(node, dict):
            found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
            return found + [r for value in node.values() for r in refs(value)]
        if isinstance(node, list):
            return [r for value in node for r in refs(value)]
        return []

    for ref in refs(spec):
        target: object = spec
        for part in ref.removeprefix("#/").split("/"):
            assert isinstance(target, dict) and part in target, ref
            target = target[part]


def test_each_operation_names_the_roles_the_server_enforces_and_its_body_cap(tmp_path: Path) -> None:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    operations = {
        (m.upper(), p): op
        for p, item in spec["paths"].items()
        for m, op in item.items()
        if isinstance(op, dict)
    }
    for route in _routes(tmp_path):
        operation = operations[(route.method, route.template)]
        assert set(operation["x-roles"]) == set(route.roles), (route.method, route.template)
        assert operation["x-max-body"] == route.max_body, (route.method, route.template)
        if route.authenticated:  # a role or scope refusal is documented wherever it can happen
            assert "403" in operation["responses"], (route.method, route.template)
