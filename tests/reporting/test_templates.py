"""Templates (resources/templates/*.html, an IHE MRRT subset) and macros, without Qt."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from reporting.macros import macro_before_cursor, utf16_length
from reporting.model import Chapter
from reporting.order import read_site_messages
from reporting.templates import (
    FieldKind,
    TemplateError,
    builtin_templates,
    choose_template,
    compose_chapter,
    parse_template,
    split_chapter,
    template_by_id,
    template_for_order,
    template_for_report,
)
from teleplatform.demo import cases
from tests.reporting.factories import make_draft

HEAD = "tlr-tdm-tete-sans-injection"
TAP = "tlr-tdm-tap-injectee"
CHEST = "tlr-radiographie-thorax"
BRAIN_MR = "tlr-irm-cerebrale"


def test_the_four_shipped_templates() -> None:
    templates = {t.id: t for t in builtin_templates()}
    assert set(templates) == {HEAD, TAP, CHEST, BRAIN_MR}
    for template in templates.values():
        assert [c.chapter for c in template.chapters] == list(Chapter)
        assert template.macro("nl", Chapter.RESULTS) is not None
        assert template.macro("nl", Chapter.CONCLUSION) is not None
        assert template.macro("nl", Chapter.RESULTS) != template.macro("nl", Chapter.CONCLUSION)
    head = templates[HEAD]
    assert head.title == "Scanner cérébral sans injection"
    assert (head.modalities, head.acts) == (frozenset({"CT"}), frozenset({"30799-1", "24725-4"}))
    bleeding = head.chapter(Chapter.RESULTS).fields[0]
    assert (bleeding.id, bleeding.label, bleeding.kind, bleeding.default) == (
        "resultats-hemorragie",
        "Hémorragie intracrânienne",
        FieldKind.SELECTION,
        "absente",
    )
    assert "hématome sous-dural aigu" in bleeding.choices
    assert head.default_text(Chapter.TECHNIQUE) == (
        "Acquisition : hélicoïdale de la base du crâne au vertex, sans injection de produit de contraste\n"
        "Reconstructions : coupes millimétriques en fenêtres parenchymateuse et osseuse, "
        "reconstructions multiplanaires\n"
        "Qualité : satisfaisante"
    )
    assert head.default_text(Chapter.CONCLUSION) == ""  # the radiologist concludes, never a default
    assert head.macro("comp", Chapter.RESULTS).text == "À confronter aux données cliniques et biologiques."
    chest = templates[CHEST]
    material = chest.chapter(Chapter.RESULTS).fields[-1]
    assert (material.label, material.kind, material.default) == ("Matériel", FieldKind.TEXT, "")


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (cases.CT_HEAD_CASE, HEAD),
        (cases.CT_TAP_CASE, TAP),
        (cases.DX_CHEST_CASE, CHEST),
        (cases.MR_BRAIN_CASE, BRAIN_MR),
    ],
)
def test_choice_for_the_demo_orders(case: cases.Case, expected: str) -> None:
    regions = [r.region.code for r in case.regions]
    # from the order alone (modality + region), and with the act code of the complement
    assert choose_template(case.modality.code, regions).id == expected
    assert choose_template(case.modality.code, regions, [case.exam.act.code]).id == expected
    assert choose_template("", [], [case.exam.act.code]).id == expected


def test_choice_when_nothing_fits_or_it_is_ambiguous() -> None:
    assert choose_template("US", ["774007"]) is None  # no ultrasound template
    assert choose_template("CT", []) is None  # head or chest-abdomen-pelvis: the radiologist chooses
    assert choose_template("CT", ["737561001"]) is None  # spine: no CT spine template
    assert template_for_report(make_draft()).id == HEAD  # CT + tête et cou
    assert template_for_report(make_draft(acts=())) is None


def test_chapter_text_round_trip() -> None:
    part = template_by_id(HEAD).chapter(Chapter.RESULTS)
    values = part.default_values() | {"resultats-ligne-mediane": "déviée de 4 mm vers la gauche"}
    text = compose_chapter(part, values, "Sinus normalement pneumatisés.\n\nLigne 2 é œ ’ 🩻")
    assert text.startswith("Hémorragie intracrânienne : absente\nParenchyme cérébral : ")
    assert "\nLigne médiane : déviée de 4 mm vers la gauche\n" in text
    assert text.endswith("pas de fracture visible\n\nSinus normalement pneumatisés.\n\nLigne 2 é œ ’ 🩻")
    got, free = split_chapter(part, text)
    assert got == values and free == "Sinus normalement pneumatisés.\n\nLigne 2 é œ ’ 🩻"
    # any text, written from the template or not, comes back unchanged
    for sample in (
        text,
        "",
        "Texte libre seulement.",
        "Hémorragie intracrânienne : absente",
        "Hémorragie intracrânienne : absente\nsuite collée sans ligne vide",
        "Ligne médiane : en place\nHémorragie intracrânienne : absente\n\nordre inverse",
        "Hémorragie intracrânienne : \n\nvaleur vide",
        "Hémorragie intracrânienne : absente \n\nespace final",
        "Hémorragie intracrânienne : absente\n\n\n\ntrois lignes vides",
    ):
        values, free = split_chapter(part, sample)
        assert compose_chapter(part, values, free) == sample, sample
    assert split_chapter(part, "Hémorragie intracrânienne : absente\nsuite")[1] == (
        "Hémorragie intracrânienne : absente\nsuite"
    )


def test_macros_expand_whole_words_of_the_chapter() -> None:
    """The rule the editor's Tab applies to the line before the cursor (Qt's positions in UTF-16)."""
    head = template_by_id(HEAD)

    def found(line: str, chapter: Chapter | None) -> tuple[str, int, int] | None:
        match = macro_before_cursor(line, utf16_length(line), head, chapter)
        return None if match is None else (match.macro.keyword, match.start_utf16, match.length_utf16)

    assert found("Avant 🩻 nl", Chapter.RESULTS) == ("nl", 9, 2)  # the emoji counts two UTF-16 units
    assert macro_before_cursor("Avant 🩻 nl", 11, head, Chapter.RESULTS).macro.text == (
        head.macro("nl", Chapter.RESULTS).text
    )
    assert macro_before_cursor("nl", 2, head, Chapter.CONCLUSION).macro.text == (
        "Pas de lésion intracrânienne traumatique décelable, en particulier pas d'hémorragie intracrânienne."
    )
    assert found("comp suite", Chapter.TECHNIQUE) is None  # the keyword must end at the cursor
    assert macro_before_cursor("comp suite", 4, head, Chapter.TECHNIQUE).macro.keyword == "comp"
    assert found("anl", Chapter.RESULTS) is None  # inside a word
    assert found("hsd", Chapter.CONCLUSION) is None  # a results macro only
    assert found("hsd", Chapter.RESULTS) is not None
    assert found("NL", Chapter.RESULTS) is None  # keywords are case-sensitive
    assert found("nl", None) is None  # an addendum: template-wide macros only
    assert macro_before_cursor("nl", 2, None, Chapter.RESULTS) is None  # no template, no macro
    line = "é œ ’ 🩻 nl"
    assert found(line, Chapter.RESULTS) == ("nl", 9, 2)

GOOD = """<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" lang="fr">
<head>
  <title>Essai</title>
  <meta name="dcterms.identifier" content="essai"/>
  <meta name="tlr.modalites" content="CT"/>
</head>
<body>
  <section id="indication"><header>Indication</header></section>
  <section id="technique"><header>Technique</header>
    <p><label for="t1">Acquisition</label>
    <select id="t1"><option selected="selected">a</option><option>b</option></select></p>
  </section>
  <section id="results"><header>Résultats</header><textarea id="r">Texte par défaut</textarea></section>
  <section id="conclusion"><header>Conclusion</header>
    <dl class="macros" hidden="hidden"><dt>nl</dt><dd>Normal.</dd></dl>
  </section>
</body>
</html>
"""


def test_a_minimal_template() -> None:
    template = parse_template(GOOD, "essai.html")
    assert (template.id, template.title, template.origin) == ("essai", "Essai", "essai.html")
    assert template.default_text(Chapter.TECHNIQUE) == "Acquisition : a"
    assert template.default_text(Chapter.RESULTS) == "Texte par défaut"
    assert template.macro("nl", Chapter.CONCLUSION).text == "Normal."
    assert parse_template(GOOD.encode("utf-8"), "essai.html") == template  # bytes as read from a file


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("<title>Essai</title>", "<title>Essai&nbsp;1</title>"),
            "Modèle « essai.html » illisible : XHTML mal formé à la ligne 4 (Entity 'nbsp' not defined",
        ),
        (
            ("<option>b</option></select>", "<option>b</option>"),
            "Modèle « essai.html » illisible : XHTML mal formé à la ligne 12 (",
        ),
        (
            ('<section id="indication"><header>Indication</header></section>', ""),
            "Modèle « essai.html » invalide (ligne 8) : chapitre(s) manquant(s) : Indication.",
        ),
        (
            ('id="conclusion"', 'id="synthese"'),
            "Modèle « essai.html » invalide (ligne 15) : section d'identifiant inconnu « synthese » "
            "(indication, technique, results, conclusion).",
        ),
        (
            ('<textarea id="r">', '<input type="date" id="d"/><label for="d">Date</label><textarea id="r">'),
            "Modèle « essai.html » invalide (ligne 14) : type de champ non pris en charge « date » "
            "(TEXT ou SELECTION).",
        ),
        (
            ("<option>b</option>", '<option selected="selected">b</option>'),
            "Modèle « essai.html » invalide (ligne 12) : la liste « Acquisition » a plusieurs choix "
            "par défaut.",
        ),
        (
            ('<option selected="selected">a</option><option>b</option>', ""),
            "Modèle « essai.html » invalide (ligne 12) : la liste « Acquisition » est vide ou contient un "
            "choix vide.",
        ),
        (
            ('<label for="t1">Acquisition</label>', ""),
            "Modèle « essai.html » invalide (ligne 12) : le champ « t1 » n'a pas de libellé (<label for>).",
        ),
        (
            ("<dd>Normal.</dd>", "<dd> </dd>"),
            "Modèle « essai.html » invalide (ligne 16) : la macro « nl » n'a pas de texte.",
        ),
        (
            ("<dt>nl</dt>", "<dt>deux mots</dt>"),
            "Modèle « essai.html » invalide (ligne 16) : mot-clé de macro invalide « deux mots » "
            "(un mot, 20 signes).",
        ),
        (
            ('<meta name="dcterms.identifier" content="essai"/>', ""),
            "Modèle « essai.html » invalide : l'identifiant (meta dcterms.identifier) manque.",
        ),
        (
            ('<meta name="tlr.modalites" content="CT"/>', ""),
            "Modèle « essai.html » invalide : aucune modalité (meta tlr.modalites) : modèle jamais proposé.",
        ),
    ],
)
def test_broken_templates_say_what_and_where(change: tuple[str, str], message: str) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(TemplateError) as error:
        parse_template(GOOD.replace(old, new), "essai.html")
    assert str(error.value).startswith(message)


def test_not_xhtml_at_all() -> None:
    with pytest.raises(TemplateError) as error:
        parse_template("<html><body/></html>", "x")
    assert str(error.value).startswith("Modèle « x » invalide (ligne 1) : la racine doit être <html>")
    with pytest.raises(TemplateError) as error:
        parse_template(b"\xff\xfe<not xml", "x")
    assert str(error.value).startswith("Modèle « x » illisible : XHTML mal formé à la ligne 1 ")


def test_choice_for_the_ans_example_order_and_complement(shared_dir: Path) -> None:
    folder = shared_dir / "data" / "hl7" / "ansforge-teleradiologie"
    order, complement = read_site_messages(
        (folder / "flux1_ORM_O01_demande.hl7").read_bytes(),
        (folder / "flux4_OMI_O23_complement_post_examen.hl7").read_bytes(),
    )
    assert (order.modality, order.region.code) == ("MR", "774007")
    assert template_for_order(order).id == BRAIN_MR  # MR of the head, from the order alone
    assert complement.act.code == "24590-2"
    assert template_for_order(order, complement).id == BRAIN_MR
    ct_order = replace(order, modality="CT")
    assert template_for_order(ct_order).id == HEAD
    assert template_for_order(replace(order, modality="US")) is None


def test_template_act_codes_are_ci_sis_imaging_codes(shared_dir: Path) -> None:
    """Each LOINC act code a template claims is in JDV_CodesDocumentImagerie_CISIS, with a display
    of the template's modality (CT, RM, RX); each region is one the orders use (JDV_RegionAnatomique)."""
    from lxml import etree

    jdv = etree.parse(str(shared_dir / "specs/cisis/jeuxDeValeurs/JDV_CodesDocumentImagerie_CISIS.xml"))
    names = {c.get("code"): c.get("displayName") for c in jdv.iter("{*}Concept")}
    prefixes = {"CT": "CT ", "MR": "RM ", "DX": "RX "}
    for template in builtin_templates():
        prefix = next(prefixes[m] for m in sorted(template.modalities) if m in prefixes)
        for code in template.acts:
            assert code in names, (template.id, code)
            assert names[code].startswith(prefix), (template.id, code, names[code])
    regions = etree.parse(str(shared_dir / "specs/cisis/jeuxDeValeurs/JDV_RegionAnatomique_CISIS.xml"))
    known = {c.get("code") for c in regions.iter("{*}Concept")}
    for template in builtin_templates():
        assert template.regions and template.regions <= known, (template.id, template.regions - known)
