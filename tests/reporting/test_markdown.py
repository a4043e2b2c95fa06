from __future__ import annotations

from reporting.markdown import (
    Heading,
    ListBlock,
    Paragraph,
    Span,
    blocks,
    inline,
    plain,
    split_chapters,
    xml_safe,
)
from reporting.model import Chapter


def test_chapters_by_heading_whatever_the_accents_and_case() -> None:
    parsed = split_chapters(
        "## INDICATION :\nDouleur.\n\n# Technique\nTDM.\n\n### résultats\nRAS.\n\n"
        "# Synthèse / Conclusion\nNormal.\n"
    )
    assert parsed.unplaced == ""
    assert parsed.chapters == {
        Chapter.INDICATION: "Douleur.",
        Chapter.TECHNIQUE: "TDM.",
        Chapter.RESULTS: "RAS.",
        Chapter.CONCLUSION: "Normal.",
    }


def test_other_headings_stay_inside_their_chapter_and_repeats_are_appended() -> None:
    parsed = split_chapters("# Résultats\n## Thorax\nRAS\n# Conclusion\nA\n# Conclusion\nB\n")
    assert parsed.chapters[Chapter.RESULTS] == "## Thorax\nRAS"
    assert parsed.chapters[Chapter.CONCLUSION] == "A\nB"


def test_text_before_the_first_chapter_is_kept_aside_not_lost() -> None:
    parsed = split_chapters("Bonjour\n# Conclusion\nNormal")
    assert parsed.unplaced == "Bonjour"
    assert split_chapters("\n  \n# Conclusion\nNormal").unplaced == ""


def test_blocks_paragraphs_lists_and_headings() -> None:
    text = "Ligne 1\nLigne 2\n\n- a\n- **b**\n  suite\n1. un\n2) deux\n\n### Sous-titre\nFin"
    assert blocks(text) == [
        Paragraph(((Span("Ligne 1"),), (Span("Ligne 2"),))),
        ListBlock(False, ((Span("a"),), (Span("b", bold=True), Span(" "), Span("suite")))),
        ListBlock(True, ((Span("un"),), (Span("deux"),))),
        Heading((Span("Sous-titre"),)),
        Paragraph(((Span("Fin"),),)),
    ]


def test_inline_marks_and_escapes() -> None:
    assert inline("un **gras** et *italique*, \\*pas\\* ça, 3 * 4") == (
        Span("un "),
        Span("gras", bold=True),
        Span(" et "),
        Span("italique", italic=True),
        Span(", *pas* ça, 3 * 4"),
    )
    assert plain("# Titre\n- **a**\n\nb *c*") == "Titre\n- a\nb c"


def test_xml_safe_keeps_text_and_drops_only_what_xml_refuses() -> None:
    text = "Œdème ’ é 🩻\r\npage 1\x0cpage 2\x00\x07fin\ud800"
    assert xml_safe(text) == "Œdème ’ é 🩻\npage 1\npage 2  fin "
