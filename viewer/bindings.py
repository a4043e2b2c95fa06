"""Every key and mouse binding of the viewer, in one table (Qt-free).

One source on purpose: the Qt edge (:mod:`viewer.qt.bindings`) installs the keyboard shortcuts
*from* this table and builds the F1 help *from* it, and the viewport reads its mouse buttons and
wheel here, so the help cannot drift from what the keys and buttons really do (issue 17: F1 used
to omit the presets, I/R/H/V/F/N/Space and the whole mouse).

Keys are written as Qt's portable key-sequence text ("Shift+R", "PgUp", "Space") because that is
what both the shortcut and the displayed help are made from; nothing here imports Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from resources.translations import QT_TRANSLATE_NOOP, UserText
from viewer.presets import CT_PRESETS
from viewer.tools import Tool


class Group(Enum):
    """The sections of the help, in the order shown."""

    TOOLS = QT_TRANSLATE_NOOP("Bindings", "Outils du bouton gauche")
    SLICES = QT_TRANSLATE_NOOP("Bindings", "Coupes")
    PRESETS = QT_TRANSLATE_NOOP("Bindings", "Préréglages de fenêtre")
    DISPLAY = QT_TRANSLATE_NOOP("Bindings", "Affichage")
    MEASURES = QT_TRANSLATE_NOOP("Bindings", "Mesures")
    LAYOUT = QT_TRANSLATE_NOOP("Bindings", "Disposition et reconstructions")
    MOUSE = QT_TRANSLATE_NOOP("Bindings", "Souris")
    OTHER = QT_TRANSLATE_NOOP("Bindings", "Lecture")  # keys other modules install on the viewer


class Command(Enum):
    """What a key asks of the viewer; the Qt edge maps each to one method."""

    TOOL = "tool"  # argument: the Tool's name
    PREVIOUS_SLICE = "previous_slice"
    NEXT_SLICE = "next_slice"
    PAGE_BACK = "page_back"
    PAGE_FORWARD = "page_forward"
    FIRST_SLICE = "first_slice"
    LAST_SLICE = "last_slice"
    PRESET = "preset"  # argument: the digit
    INVERT = "invert"
    ROTATE_CLOCKWISE = "rotate_clockwise"
    ROTATE_ANTICLOCKWISE = "rotate_anticlockwise"
    FLIP_HORIZONTAL = "flip_horizontal"
    FLIP_VERTICAL = "flip_vertical"
    FIT = "fit"
    ONE_TO_ONE = "one_to_one"
    CINE = "cine"
    DELETE_MEASUREMENT = "delete_measurement"
    CANCEL_DRAWING = "cancel_drawing"
    SYNC = "sync"
    MPR = "mpr"
    VOLUME_3D = "volume_3d"

    @property
    def per_view(self) -> bool:
        """A command on one view (the active one), which a lone viewport can run by itself."""
        return self not in (Command.TOOL, Command.SYNC, Command.MPR, Command.VOLUME_3D)


@dataclass(frozen=True, slots=True)
class KeyBinding:
    command: Command
    keys: tuple[str, ...]  # portable key-sequence text, each one installed
    label: UserText
    group: Group
    argument: str = ""


class Drag(Enum):
    """What a mouse gesture does in a viewport (the left button does the current tool)."""

    TOOL = "tool"
    WINDOW = "window"
    PAN = "pan"
    SCROLL = "scroll"
    ZOOM = "zoom"


@dataclass(frozen=True, slots=True)
class MouseBinding:
    button: str  # "left", "right", "middle", "wheel", "thumbnail"
    control: bool  # with Ctrl held
    drag: Drag | None  # what the viewport does; None for gestures handled elsewhere (thumbnails)
    gesture: UserText  # « Bouton droit + glisser »
    label: UserText


TOOL_LABELS: dict[Tool, UserText] = {  # the ViewerWidget context keeps the toolbar's translations
    Tool.SCROLL: QT_TRANSLATE_NOOP("ViewerWidget", "Défilement"),
    Tool.WINDOW: QT_TRANSLATE_NOOP("ViewerWidget", "Fenêtrage"),
    Tool.ZOOM: QT_TRANSLATE_NOOP("ViewerWidget", "Zoom"),
    Tool.PAN: QT_TRANSLATE_NOOP("ViewerWidget", "Déplacement"),
    Tool.LENGTH: QT_TRANSLATE_NOOP("ViewerWidget", "Longueur"),
    Tool.ANGLE: QT_TRANSLATE_NOOP("ViewerWidget", "Angle"),
    Tool.COBB: QT_TRANSLATE_NOOP("ViewerWidget", "Cobb"),
    Tool.ELLIPSE: QT_TRANSLATE_NOOP("ViewerWidget", "Ellipse"),
    Tool.RECTANGLE: QT_TRANSLATE_NOOP("ViewerWidget", "Rectangle"),
    Tool.FREEHAND: QT_TRANSLATE_NOOP("ViewerWidget", "Main levée"),
    Tool.CROSSHAIR: QT_TRANSLATE_NOOP("ViewerWidget", "Réticule"),
    Tool.MAGNIFIER: QT_TRANSLATE_NOOP("ViewerWidget", "Loupe"),
}
TOOL_KEYS: dict[Tool, str] = {  # in the toolbar's order
    Tool.SCROLL: "D",
    Tool.WINDOW: "W",
    Tool.ZOOM: "Z",
    Tool.PAN: "P",
    Tool.LENGTH: "L",
    Tool.ANGLE: "A",
    Tool.COBB: "C",
    Tool.ELLIPSE: "E",
    Tool.RECTANGLE: "T",
    Tool.FREEHAND: "O",
    Tool.CROSSHAIR: "X",
    Tool.MAGNIFIER: "G",
}


def _presets() -> list[KeyBinding]:
    found = [
        KeyBinding(
            Command.PRESET,
            ("0",),
            QT_TRANSLATE_NOOP("Bindings", "Fenêtre automatique (histogramme)"),
            Group.PRESETS,
            "0",
        ),
        KeyBinding(
            Command.PRESET,
            ("1",),
            QT_TRANSLATE_NOOP("Bindings", "Première fenêtre de l'en-tête DICOM"),
            Group.PRESETS,
            "1",
        ),
        KeyBinding(
            Command.PRESET,
            ("2",),
            QT_TRANSLATE_NOOP("Bindings", "Deuxième fenêtre de l'en-tête DICOM"),
            Group.PRESETS,
            "2",
        ),
    ]
    for preset in CT_PRESETS:
        if preset.key is not None:
            label = QT_TRANSLATE_NOOP("Bindings", "Scanner : {name} (C {centre:g} / L {width:g})").format(
                name=preset.name, centre=preset.center, width=preset.width
            )
            found.append(KeyBinding(Command.PRESET, (preset.key,), label, Group.PRESETS, preset.key))
    return found


KEYS: tuple[KeyBinding, ...] = (
    *(
        KeyBinding(Command.TOOL, (key,), TOOL_LABELS[tool], Group.TOOLS, tool.name)
        for tool, key in TOOL_KEYS.items()
    ),
    KeyBinding(
        Command.PREVIOUS_SLICE,
        ("Up", "Left"),
        QT_TRANSLATE_NOOP("Bindings", "Coupe précédente"),
        Group.SLICES,
    ),
    KeyBinding(
        Command.NEXT_SLICE, ("Down", "Right"), QT_TRANSLATE_NOOP("Bindings", "Coupe suivante"), Group.SLICES
    ),
    KeyBinding(
        Command.PAGE_BACK,
        ("PgUp",),
        QT_TRANSLATE_NOOP("Bindings", "Reculer d'un dixième de la série"),
        Group.SLICES,
    ),
    KeyBinding(
        Command.PAGE_FORWARD,
        ("PgDown",),
        QT_TRANSLATE_NOOP("Bindings", "Avancer d'un dixième de la série"),
        Group.SLICES,
    ),
    KeyBinding(Command.FIRST_SLICE, ("Home",), QT_TRANSLATE_NOOP("Bindings", "Première coupe"), Group.SLICES),
    KeyBinding(Command.LAST_SLICE, ("End",), QT_TRANSLATE_NOOP("Bindings", "Dernière coupe"), Group.SLICES),
    KeyBinding(
        Command.CINE, ("Space",), QT_TRANSLATE_NOOP("Bindings", "Ciné : lecture / arrêt"), Group.SLICES
    ),
    *_presets(),
    KeyBinding(
        Command.INVERT, ("I",), QT_TRANSLATE_NOOP("Bindings", "Inverser les niveaux de gris"), Group.DISPLAY
    ),
    KeyBinding(
        Command.ROTATE_CLOCKWISE,
        ("R",),
        QT_TRANSLATE_NOOP("Bindings", "Rotation d'un quart de tour horaire"),
        Group.DISPLAY,
    ),
    KeyBinding(
        Command.ROTATE_ANTICLOCKWISE,
        ("Shift+R",),
        QT_TRANSLATE_NOOP("Bindings", "Rotation d'un quart de tour antihoraire"),
        Group.DISPLAY,
    ),
    KeyBinding(
        Command.FLIP_HORIZONTAL, ("H",), QT_TRANSLATE_NOOP("Bindings", "Miroir horizontal"), Group.DISPLAY
    ),
    KeyBinding(
        Command.FLIP_VERTICAL, ("V",), QT_TRANSLATE_NOOP("Bindings", "Miroir vertical"), Group.DISPLAY
    ),
    KeyBinding(Command.FIT, ("F",), QT_TRANSLATE_NOOP("Bindings", "Ajuster l'image à la vue"), Group.DISPLAY),
    KeyBinding(
        Command.ONE_TO_ONE,
        ("N",),
        QT_TRANSLATE_NOOP("Bindings", "Un pixel de l'image par pixel de l'écran"),
        Group.DISPLAY,
    ),
    KeyBinding(
        Command.DELETE_MEASUREMENT,
        ("Del", "Backspace"),
        QT_TRANSLATE_NOOP("Bindings", "Supprimer la mesure sélectionnée"),
        Group.MEASURES,
    ),
    KeyBinding(
        Command.CANCEL_DRAWING,
        ("Esc",),
        QT_TRANSLATE_NOOP("Bindings", "Abandonner la mesure en cours de tracé"),
        Group.MEASURES,
    ),
    KeyBinding(
        Command.SYNC,
        ("Y",),
        QT_TRANSLATE_NOOP("Bindings", "Défilement synchronisé des séries du même repère"),
        Group.LAYOUT,
    ),
    KeyBinding(
        Command.MPR,
        ("M",),
        QT_TRANSLATE_NOOP("Bindings", "Reconstructions multiplanaires (MPR)"),
        Group.LAYOUT,
    ),
    KeyBinding(
        Command.VOLUME_3D, ("Shift+K",), QT_TRANSLATE_NOOP("Bindings", "Rendu volumique 3D"), Group.LAYOUT
    ),
)

MOUSE: tuple[MouseBinding, ...] = (
    MouseBinding(
        "left",
        False,
        Drag.TOOL,
        QT_TRANSLATE_NOOP("Bindings", "Bouton gauche"),
        QT_TRANSLATE_NOOP(
            "Bindings",
            "L'outil choisi (défilement, fenêtrage, mesure…) ; saisir un point d'une mesure pour la modifier",
        ),
    ),
    MouseBinding(
        "right",
        False,
        Drag.WINDOW,
        QT_TRANSLATE_NOOP("Bindings", "Bouton droit + glisser"),
        QT_TRANSLATE_NOOP("Bindings", "Fenêtrage : horizontal la largeur, vertical le niveau"),
    ),
    MouseBinding(
        "middle",
        False,
        Drag.PAN,
        QT_TRANSLATE_NOOP("Bindings", "Bouton du milieu + glisser"),
        QT_TRANSLATE_NOOP("Bindings", "Déplacer l'image"),
    ),
    MouseBinding(
        "wheel",
        False,
        Drag.SCROLL,
        QT_TRANSLATE_NOOP("Bindings", "Molette"),
        QT_TRANSLATE_NOOP("Bindings", "Coupe par coupe"),
    ),
    MouseBinding(
        "wheel",
        True,
        Drag.ZOOM,
        QT_TRANSLATE_NOOP("Bindings", "Ctrl + molette"),
        QT_TRANSLATE_NOOP("Bindings", "Zoom autour du pointeur"),
    ),
    MouseBinding(
        "thumbnail",
        False,
        None,
        QT_TRANSLATE_NOOP("Bindings", "Double-clic sur une vignette"),
        QT_TRANSLATE_NOOP("Bindings", "Afficher la série dans la vue active"),
    ),
    MouseBinding(
        "thumbnail",
        False,
        None,
        QT_TRANSLATE_NOOP("Bindings", "Glisser une vignette sur une vue"),
        QT_TRANSLATE_NOOP("Bindings", "Afficher la série dans cette vue"),
    ),
)


def mouse_drag(button: str, control: bool = False) -> Drag | None:
    """What ``button`` (with Ctrl or not) does in a viewport, from :data:`MOUSE`."""
    for binding in MOUSE:
        if binding.button == button and binding.control == control and binding.drag is not None:
            return binding.drag
    return None


def binding_for(command: Command, argument: str = "") -> KeyBinding:
    for binding in KEYS:
        if binding.command is command and binding.argument == argument:
            return binding
    raise KeyError((command, argument))
