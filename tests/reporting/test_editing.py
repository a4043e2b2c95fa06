"""The report edit model (``reporting.editing``), without a display: what the editor panel changes.

Every edit is a command on the model; undoing any sequence of them, last first, gives back the report
exactly as loaded (a property test over random edits), and the pre-sign checks point to the typed
keys the model's edits use.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from reporting import checks
from reporting.editing import Edit, EditModel, decimal_number
from reporting.fields import ChapterText, FieldKey, Item, ItemPart, Place, TemplateValue, parent
from reporting.model import Chapter, DoseReport, Measurement, Narrative, Report, Source, Sourced
from reporting.templates import template_by_id
from tests.reporting.factories import make_draft

PARIS = ZoneInfo("Europe/Paris")
AT = datetime(2025, 3, 4, 2, 17, tzinfo=PARIS)
HEAD = template_by_id("tlr-tdm-tete-sans-injection")


def _model(report: Report | None = None) -> EditModel:
    return EditModel(report or make_draft(), HEAD)


def test_loading_then_composing_gives_the_report_back() -> None:
    report = make_draft()
    assert EditModel(report, None).report() == report
    blank = replace(report, results=Narrative(""))
    model = EditModel(blank, HEAD)  # a blank chapter takes the template's defaults
    assert model.report().results.text == HEAD.default_text(Chapter.RESULTS)
    assert (
        model.text(TemplateValue("resultats-hemorragie"))
        == HEAD.chapter(Chapter.RESULTS).default_values()["resultats-hemorragie"]
    )


def test_a_field_edit_changes_its_chapter_line_and_undo_restores_it() -> None:
    model = _model(replace(make_draft(), results=Narrative("")))
    before = model.report()
    heard: list[FieldKey] = []
    model.changed.subscribe(heard.append)
    key = TemplateValue("resultats-hemorragie")
    edit = model.edit(key, "hématome sous-dural aigu droit")
    assert edit is not None and model.edit(key, model.text(key)) is None  # no edit to the same value
    edit.redo(model)
    assert "hématome sous-dural aigu droit" in model.report().results.text
    assert model.report().results.source is Source.USER
    edit.undo(model)
    assert model.report() == before
    assert heard == [key, key]


def test_typing_merges_only_within_one_pause_of_one_key() -> None:
    key, other = Place.DOSE_MISSING_REASON, Place.TYPED_DLP
    first = Edit(key, "", "a", typing=True, serial=1)
    assert first.merge(Edit(key, "a", "ab", typing=True, serial=1)) and first.new == "ab"
    assert not first.merge(Edit(key, "ab", "abc", typing=True, serial=2))  # focus lost in between
    assert not first.merge(Edit(other, "", "8", typing=True, serial=1))
    assert not first.merge(Edit(key, "ab", "abc", typing=False, serial=1))  # a pick is its own step
    assert first.new == "ab"


def test_chapter_text_revised_while_the_view_merges_typing() -> None:
    model = _model()
    key = ChapterText(Chapter.CONCLUSION)
    edit = Edit(key, model.text(key), "H", typing=True)
    edit.redo(model)
    model.revise(edit, "Hématome")  # the document merged the next letters into the same step
    assert model.report().conclusion.text == "Hématome"
    edit.undo(model)
    assert model.report().conclusion == make_draft().conclusion


def test_the_radiologists_entries() -> None:
    model = _model()
    loaded = model.report()
    identity = model.identity_edit(True, AT)
    identity.redo(model)
    check = model.report().identity_check
    assert check is not None and check.verified and check.source is Source.USER and check.at == AT
    assert model.incident_edit(" \t ") is None
    incident = model.incident_edit("réaction\x07 au   contraste")
    assert incident is not None
    incident.redo(model)
    assert [i.description for i in model.report().incidents][-1] == "réaction au contraste"
    assert model.urgent_edit("  ", "téléphone", AT) is None
    urgent = model.urgent_edit("Dr Benali", "téléphone", AT)
    assert urgent is not None
    urgent.redo(model)
    communication = model.report().urgent_communication
    assert communication is not None and (communication.recipient, communication.means) == (
        "Dr Benali",
        "téléphone",
    )
    for edit in (urgent, incident, identity):
        edit.undo(model)
    assert model.report() == loaded


def test_typed_dose_fills_only_what_the_images_lack() -> None:
    measured = DoseReport(total_dlp_mgy_cm=Sourced(Decimal("512.3"), Source.RDSR))
    model = _model(make_draft(dose=measured))
    assert not model.asks_dlp()
    Edit(Place.TYPED_DLP, "", "999").redo(model)
    assert model.report().dose == measured  # a typed value never replaces a measured one
    model = _model(make_draft(dose=None))
    assert model.asks_dlp() and not model.asks_dap()  # a CT: the DLP, not the DAP
    Edit(Place.TYPED_DLP, "", "850,5").redo(model)
    dose = model.report().dose
    assert dose is not None and dose.total_dlp_mgy_cm is not None
    assert (dose.total_dlp_mgy_cm.value, dose.total_dlp_mgy_cm.source) == (Decimal("850.5"), Source.USER)
    assert not [i for i in checks.check(model.report(), HEAD) if i.field is Place.DOSE]
    Edit(Place.TYPED_DAP, "", "douze").redo(model)
    assert model.invalid_numbers() == (Place.TYPED_DAP,)


def test_decimal_numbers_are_positive_and_finite() -> None:
    assert decimal_number("850,5") == Decimal("850.5")
    assert decimal_number("1\u202f020") == Decimal(1020)
    for wrong in ("", "0", "-3", "NaN", "Infinity", "1,2,3", "douze"):
        assert decimal_number(wrong) is None, wrong


def test_an_inserted_measurement_stays_only_while_its_sentence_does() -> None:
    model = _model()
    record = Measurement("Longueur", Decimal("23.4"), "mm", Source.USER, location="série 3, image 45")
    model.add_measurement(record)
    assert record not in model.report().measurements  # not in the text yet
    key = ChapterText(Chapter.RESULTS)
    from reporting.measurements import measurement_text

    insertion = Edit(key, model.text(key), model.text(key) + " " + measurement_text(record))
    insertion.redo(model)
    assert record in model.report().measurements
    insertion.undo(model)
    assert record not in model.report().measurements


def test_another_template_keeps_what_was_written() -> None:
    model = _model(replace(make_draft(), results=Narrative("")))
    Edit(
        ChapterText(Chapter.CONCLUSION), model.text(ChapterText(Chapter.CONCLUSION)), "Pas d'hémorragie."
    ).redo(model)
    report = model.with_template(None)
    assert report.results.text == ""  # still the old template's defaults: emptied for the new one
    assert report.conclusion.text == "Pas d'hémorragie."


def test_the_checks_point_to_typed_places() -> None:
    report = make_draft(identity_check=None, conclusion=Narrative(""), acts=())
    places = [issue.field for issue in checks.check(report, HEAD)]
    assert (
        Place.IDENTITY_CHECK in places and ChapterText(Chapter.CONCLUSION) in places and Place.ACTS in places
    )
    assert str(ChapterText(Chapter.CONCLUSION)) == "chapters.conclusion"  # the old path, for logs
    act_code = Item(Place.ACTS, 0, ItemPart.CCAM)
    assert str(act_code) == "acts[0].ccam"
    assert parent(act_code) == Item(Place.ACTS, 0) and parent(Item(Place.ACTS, 0)) is Place.ACTS
    assert parent(Place.AUTHOR_ID) is Place.AUTHOR and parent(Place.ACTS) is None
    assert parent(TemplateValue("x")) is None and str(TemplateValue("x")) == "fields.x"


_FIELDS = [TemplateValue(f.id) for part in HEAD.chapters for f in part.fields]
_TEXTS = [ChapterText(c) for c in Chapter] + [Place.DOSE_MISSING_REASON, Place.TYPED_DLP, Place.TYPED_DAP]
_EDITS = st.one_of(
    st.tuples(st.sampled_from(_FIELDS + _TEXTS), st.text(max_size=30)),
    st.tuples(st.just(Place.IDENTITY_CHECK), st.booleans()),
    st.tuples(st.just(Place.INCIDENTS), st.text(min_size=1, max_size=20)),
    st.tuples(st.just(Place.URGENT_COMMUNICATION), st.text(min_size=1, max_size=20)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_EDITS, max_size=12))
def test_undoing_every_edit_last_first_gives_the_loaded_report(steps: list[tuple[FieldKey, object]]) -> None:
    model = _model()
    loaded = model.report()
    done: list[Edit] = []
    for key, value in steps:
        if key is Place.IDENTITY_CHECK:
            edit: Edit | None = model.identity_edit(bool(value), AT)
        elif key is Place.INCIDENTS:
            edit = model.incident_edit(str(value))
        elif key is Place.URGENT_COMMUNICATION:
            edit = model.urgent_edit(str(value), "téléphone", AT)
        else:
            edit = model.edit(key, value)
        if edit is not None:
            edit.redo(model)
            done.append(edit)
    model.report()  # composing never fails, whatever was typed
    for edit in reversed(done):
        edit.undo(model)
    assert model.report() == loaded
