"""The viewer's binding table and its one tool enum, without a display."""
from __future__ import annotations

from viewer.bindings import KEYS, MOUSE, Command, Drag, Group, binding_for, mouse_drag
from viewer.measure import MeasureKind
from viewer.presets import CT_PRESETS, PresetKind, preset_for_key
from viewer.tools import Tool


def test_every_measurement_kind_has_exactly_one_tool() -> None:
    for kind in MeasureKind:
        assert Tool(kind).measure_kind is kind  # the measuring tool's value is its kind
    drawing = [tool for tool in Tool if tool.measure_kind is not None]
    assert len(drawing) == len(MeasureKind)
    assert Tool.SCROLL.measure_kind is None and Tool.CROSSHAIR.measure_kind is None


def test_no_key_is_bound_twice_and_every_tool_has_a_key() -> None:
    keys = [key for binding in KEYS for key in binding.keys]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    assert {Tool[b.argument] for b in KEYS if b.command is Command.TOOL} == set(Tool)
    # K is the reading screen's key image: the viewer must leave it free
    assert "K" not in keys


def test_the_ten_digits_are_the_presets_the_model_applies() -> None:
    presets = [b for b in KEYS if b.command is Command.PRESET]
    assert sorted(b.keys[0] for b in presets) == [str(d) for d in range(10)]
    for binding in presets:
        choice = preset_for_key(binding.argument)
        assert choice is not None and binding.group is Group.PRESETS
        if choice.kind is PresetKind.CT:
            assert choice.ct is not None and str(choice.ct.name) in binding.label
    assert any(p.key is None for p in CT_PRESETS)  # the menu-only preset is not given a key


def test_mouse_gestures_come_from_the_table() -> None:
    assert mouse_drag("left") is Drag.TOOL
    assert mouse_drag("right") is Drag.WINDOW
    assert mouse_drag("middle") is Drag.PAN
    assert mouse_drag("wheel") is Drag.SCROLL
    assert mouse_drag("wheel", control=True) is Drag.ZOOM
    assert mouse_drag("back") is None
    assert all(b.gesture and b.label for b in MOUSE)


def test_commands_per_view_and_lookup() -> None:
    assert binding_for(Command.INVERT).keys == ("I",)
    assert binding_for(Command.PRESET, "8").label.startswith("Scanner : Os")
    assert Command.INVERT.per_view and not Command.MPR.per_view and not Command.TOOL.per_view
    for command in Command:  # every command is reachable from a key
        assert any(b.command is command for b in KEYS), command
