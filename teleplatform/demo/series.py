"""The image series of the demo studies: geometry, acquisition attributes, pixels, files.

Each writer takes the output directory and the instance numbers to write, so the generator can
share a series between processes; every slice's pixels depend only on its index (seeded noise),
never on which process wrote it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence as DicomSequence
from pydicom.uid import UID, ExplicitVRLittleEndian, JPEG2000Lossless, JPEGLSLossless

from . import cases
from .body import BodyPhantom, attenuation
from .cases import (
    CT_HEAD_CASE,
    CT_TAP_CASE,
    DX_CHEST_CASE,
    MR_BRAIN_CASE,
    PRIOR_CT_HEAD,
    PRIOR_DX_CHEST,
    CtAcquisition,
    Study,
)
from .chest_xray import BITS_STORED as DX_BITS
from .chest_xray import chest_radiograph
from .dicomfiles import (
    code,
    ds,
    equipment,
    frame_of_reference_uid,
    image_common,
    instance_uid,
    patient_and_study,
    pixel_module,
    series,
    sop_common,
    tm,
    write,
)
from .head import CT_HU, MR_T2, HeadOptions, HeadPhantom
from .shapes import Canvas, SmoothNoise, correlated_noise

CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"
MR_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.4"
DX_PRESENTATION_STORAGE = "1.2.840.10008.5.1.4.1.1.1.1"

CT_HEAD_SERIES = 2
CT_TAP_LOCALIZER_SERIES = 1
CT_TAP_SERIES = 2
CT_TAP_DOSE_SERIES = 501
DX_SERIES = 1
MR_SERIES = 3

_SEEDS = {
    "ct-tete": 1101,
    "tdm-tap": 2202,
    "rx-thorax": 3303,
    "irm-cerebrale": 4404,
    "ct-tete-anterieur": 1111,
    "tdm-tap-anterieur": 2212,
    "rx-thorax-inconnu": 3313,
    "rx-thorax-en-cours": 3323,
}
_TAP_TABLE_Z = -700.0  # DICOM z of the phantom's z = 0: table coordinates, as a scanner reports them


@dataclass(frozen=True, slots=True)
class AxialGeometry:
    """An axial stack: square pixels, rows along +y, columns along +x, instance 1 first in the list."""

    size: int
    pixel: Decimal
    centre_x: float
    centre_y: float
    z: tuple[float, ...]  # patient z of each instance, in phantom coordinates
    thickness: Decimal
    spacing: Decimal
    dicom_z_offset: float = 0.0

    @property
    def x(self) -> np.ndarray:
        return self.centre_x + (np.arange(self.size) - (self.size - 1) / 2) * float(self.pixel)

    @property
    def y(self) -> np.ndarray:
        return self.centre_y + (np.arange(self.size) - (self.size - 1) / 2) * float(self.pixel)

    def position(self, index: int) -> list[str]:
        return [ds(float(self.x[0])), ds(float(self.y[0])), ds(self.z[index] + self.dicom_z_offset)]


HEAD_GEOMETRY = AxialGeometry(
    size=512,
    pixel=cases.CT_HEAD_PIXEL_MM,
    centre_x=0.0,
    centre_y=6.0,
    z=tuple(-48.0 + float(cases.CT_HEAD_SPACING_MM) * k for k in range(cases.CT_HEAD_SLICES)),
    thickness=cases.CT_HEAD_SPACING_MM,
    spacing=cases.CT_HEAD_SPACING_MM,
)
TAP_GEOMETRY = AxialGeometry(
    size=512,
    pixel=cases.CT_TAP_PIXEL_MM,
    centre_x=0.0,
    centre_y=-12.0,
    z=tuple(597.0 - float(cases.CT_TAP_SPACING_MM) * k for k in range(cases.CT_TAP_SLICES)),
    thickness=cases.CT_TAP_SPACING_MM,
    spacing=cases.CT_TAP_SPACING_MM,
    dicom_z_offset=_TAP_TABLE_Z,
)
PRIOR_HEAD_GEOMETRY = AxialGeometry(
    size=512,
    pixel=cases.CT_HEAD_PIXEL_MM,
    centre_x=0.0,
    centre_y=6.0,
    z=tuple(-48.0 + float(cases.PRIOR_CT_HEAD_SPACING_MM) * k for k in range(cases.PRIOR_CT_HEAD_SLICES)),
    thickness=cases.PRIOR_CT_HEAD_SPACING_MM,
    spacing=cases.PRIOR_CT_HEAD_SPACING_MM,
)
MR_GEOMETRY = AxialGeometry(
    size=512,
    pixel=cases.MR_PIXEL_MM,
    centre_x=0.0,
    centre_y=6.0,
    z=tuple(-28.0 + float(cases.MR_SPACING_MM) * k for k in range(cases.MR_SLICES)),
    thickness=cases.MR_THICKNESS_MM,
    spacing=cases.MR_SPACING_MM,
)
AXIAL = ["1", "0", "0", "0", "1", "0"]
CT_HU_AIR = -1000.0


def instance_path(out: Path, case: Study, number: int, instance: int) -> Path:
    return out / "dicom" / case.slug / f"S{number:03d}" / f"IM{instance:04d}.dcm"


def _plane(dataset: Dataset, case: Study, geometry: AxialGeometry, index: int) -> None:
    dataset.FrameOfReferenceUID = frame_of_reference_uid(case)
    dataset.PositionReferenceIndicator = ""
    dataset.PixelSpacing = [str(geometry.pixel), str(geometry.pixel)]
    dataset.ImageOrientationPatient = AXIAL
    dataset.ImagePositionPatient = geometry.position(index)
    dataset.SliceThickness = str(geometry.thickness)
    dataset.SpacingBetweenSlices = str(geometry.spacing)
    dataset.SliceLocation = ds(geometry.z[index] + geometry.dicom_z_offset)


# --- CT ----------------------------------------------------------------------------------------------


def _ct_dataset(
    case: Study,
    acquisition: CtAcquisition,
    number: int,
    description: str,
    instance: int,
    body_part: str,
    kernel: str,
) -> Dataset:
    assert case.exam is not None
    exam = case.exam
    started = exam.performed_at + timedelta(minutes=2)
    dataset = Dataset()
    sop_common(
        dataset, CT_IMAGE_STORAGE, instance_uid(case, number, instance), started + timedelta(minutes=1)
    )
    patient_and_study(dataset, case)
    series(dataset, case, "CT", number, description, started, body_part)
    equipment(dataset, case, exam.device)
    dataset.FrameOfReferenceUID = frame_of_reference_uid(case)
    dataset.PositionReferenceIndicator = ""
    dataset.KVP = str(acquisition.kvp)
    dataset.DataCollectionDiameter = "500"
    dataset.DistanceSourceToDetector = "1085.6"
    dataset.DistanceSourceToPatient = "595"
    dataset.GantryDetectorTilt = "0"
    dataset.TableHeight = "152"
    dataset.RotationDirection = "CW"
    dataset.FilterType = "FLAT"
    dataset.GeneratorPower = str(acquisition.kvp * acquisition.tube_current_ma // 1000)
    dataset.FocalSpots = "1.2"
    dataset.ConvolutionKernel = kernel
    dataset.ProtocolName = acquisition.protocol
    modulated = acquisition.mean_tube_current_ma != acquisition.tube_current_ma
    dataset.ExposureModulationType = "XYZ_EC" if modulated else "NONE"
    dataset.SingleCollimationWidth = float(acquisition.single_collimation_mm)
    dataset.TotalCollimationWidth = float(acquisition.total_collimation_mm)
    dataset.LossyImageCompression = "00"
    dataset.RescaleType = "HU"
    dataset.RescaleIntercept = "-1024"
    dataset.RescaleSlope = "1"
    return dataset


def _ct_pixels(values: np.ndarray) -> bytes:
    return np.clip(np.rint(values + 1024.0), 0, 4095).astype(np.uint16).tobytes()


def ct_head(out: Path, instances: Sequence[int]) -> list[Path]:
    """Unenhanced head CT: 176 axial slices of 1 mm (helical, reconstructed with a brain kernel)."""
    return _head_ct(out, instances, CT_HEAD_CASE, cases.CT_HEAD, HEAD_GEOMETRY, "Crâne 1.0 Hr38", True)


def ct_head_prior(out: Path, instances: Sequence[int]) -> list[Path]:
    """The same patient's head CT 14 months earlier: 36 slices of 5 mm, no haematoma yet."""
    return _head_ct(
        out, instances, PRIOR_CT_HEAD, cases.CT_HEAD_PRIOR, PRIOR_HEAD_GEOMETRY, "Crâne 5.0 Hr38", False
    )


def _head_ct(
    out: Path,
    instances: Sequence[int],
    study: Study,
    acquisition: CtAcquisition,
    geometry: AxialGeometry,
    description: str,
    haematoma: bool,
) -> list[Path]:
    # one head (phantom seed) for both studies of the patient: only the haematoma is new
    options = HeadOptions(elderly=True, subdural_haematoma=haematoma, lesion=False)
    phantom = HeadPhantom(options, CT_HU, seed=11)
    written = []
    for instance in instances:
        index = instance - 1
        canvas = Canvas(geometry.x, geometry.y, geometry.z[index], CT_HU_AIR)
        phantom.paint(canvas)
        rng = np.random.default_rng([_SEEDS[study.slug], instance])
        values = canvas.image + correlated_noise(rng, canvas.image.shape, 4.5)
        dataset = _ct_dataset(study, acquisition, CT_HEAD_SERIES, description, instance, "HEAD", "Hr38")
        _ct_axial(
            dataset,
            study,
            geometry,
            index,
            acquisition,
            acquisition.ctdivol_mgy,
            acquisition.mean_tube_current_ma,
            ("40", "600"),
            ("80", "2800"),
            ("CERVEAU", "OS"),
        )
        dataset.ScanOptions = "HELICAL_CT"
        dataset.PixelData = _ct_pixels(values)
        path = instance_path(out, study, CT_HEAD_SERIES, instance)
        write(path, dataset, ExplicitVRLittleEndian)
        written.append(path)
    return written


def _ct_axial(
    dataset: Dataset,
    case: Study,
    geometry: AxialGeometry,
    index: int,
    acquisition: CtAcquisition,
    ctdivol: Decimal,
    tube_current: int,
    centres: tuple[str, str],
    widths: tuple[str, str],
    explanations: tuple[str, str],
) -> None:
    """Image, plane, pixel and acquisition attributes of one slice of a spiral."""
    assert case.exam is not None
    started = case.exam.performed_at
    acquired = started + timedelta(
        minutes=1, seconds=float(acquisition.exposure_time_s) * index / len(geometry.z)
    )
    image_common(
        dataset, index + 1, ["ORIGINAL", "PRIMARY", "AXIAL"], acquired, started + timedelta(minutes=3)
    )
    dataset.AcquisitionNumber = 2
    _plane(dataset, case, geometry, index)
    pixel_module(dataset, geometry.size, geometry.size, 12)
    dataset.ReconstructionDiameter = str(geometry.pixel * geometry.size)
    dataset.ReconstructionTargetCenterPatient = [geometry.centre_x, geometry.centre_y, 0.0]
    dataset.ExposureTime = str(int(acquisition.rotation_time_s * 1000))
    dataset.XRayTubeCurrent = str(tube_current)
    dataset.Exposure = str(int(tube_current * acquisition.rotation_time_s))
    dataset.RevolutionTime = float(acquisition.rotation_time_s)
    dataset.SpiralPitchFactor = float(acquisition.pitch)
    dataset.TableFeedPerRotation = float(acquisition.pitch * acquisition.total_collimation_mm)
    dataset.TableSpeed = float(
        acquisition.pitch * acquisition.total_collimation_mm / acquisition.rotation_time_s
    )
    dataset.CTDIvol = float(ctdivol)
    phantom = acquisition.phantom
    dataset.CTDIPhantomTypeCodeSequence = DicomSequence([code(phantom.code, phantom.system, phantom.label)])
    dataset.WindowCenter = list(centres)
    dataset.WindowWidth = list(widths)
    dataset.WindowCenterWidthExplanation = list(explanations)


def tap_tube_currents() -> tuple[tuple[int, Decimal], ...]:
    """Per-slice tube current and CTDIvol of the modulated spiral: proportional to the section's
    attenuation, scaled so that their mean is the acquisition's (RDSR) value."""
    weights = np.array([attenuation(z) for z in TAP_GEOMETRY.z])
    weights /= weights.mean()
    spiral = cases.CT_TAP_SPIRAL
    return tuple(
        (round(spiral.mean_tube_current_ma * w), Decimal(f"{float(spiral.ctdivol_mgy) * w:.2f}"))
        for w in weights
    )


def ct_tap(out: Path, instances: Sequence[int]) -> list[Path]:
    """Portal-phase chest-abdomen-pelvis: 200 axial slices of 3 mm."""
    case, acquisition, geometry = CT_TAP_CASE, cases.CT_TAP_SPIRAL, TAP_GEOMETRY
    phantom = BodyPhantom(seed=22)
    currents = tap_tube_currents()
    written = []
    for instance in instances:
        index = instance - 1
        canvas = Canvas(geometry.x, geometry.y, geometry.z[index], CT_HU_AIR)
        phantom.paint(canvas)
        rng = np.random.default_rng([_SEEDS[case.slug], instance])
        values = canvas.image + correlated_noise(rng, canvas.image.shape, 11.0)
        dataset = _ct_dataset(
            case, acquisition, CT_TAP_SERIES, "TAP portal 3.0 Br40", instance, "CHESTABDPELVIS", "Br40"
        )
        current, ctdivol = currents[index]
        _ct_axial(
            dataset,
            case,
            geometry,
            index,
            acquisition,
            ctdivol,
            current,
            ("40", "-600"),
            ("400", "1500"),
            ("ABDOMEN", "POUMON"),
        )
        dataset.ScanOptions = "HELICAL_CT"
        dataset.ContrastBolusAgent = cases.IOHEXOL.name
        dataset.ContrastBolusRoute = "IV"
        dataset.ContrastBolusVolume = str(cases.IOHEXOL.volume_ml)
        dataset.ContrastBolusIngredient = "IODINE"
        dataset.ContrastBolusIngredientConcentration = "350"
        dataset.ContrastBolusAgentSequence = DicomSequence([code("109218004", "SCT", "Iohexol")])
        dataset.ContrastBolusStartTime = tm(CT_TAP_CASE.exam.performed_at)  # type: ignore[union-attr]
        dataset.PixelData = _ct_pixels(values)
        path = instance_path(out, case, CT_TAP_SERIES, instance)
        write(path, dataset, ExplicitVRLittleEndian)
        written.append(path)
    return written


LOCALIZER_ROWS = 512
LOCALIZER_ROW_MM = 1.25
LOCALIZER_TOP = 620.0


def ct_tap_localizer(out: Path) -> list[Path]:
    """The AP topogram the spiral was planned on: a projection of the same phantom."""
    case, acquisition = CT_TAP_CASE, cases.CT_TAP_TOPOGRAM
    phantom = BodyPhantom(seed=22)
    coarse = 2.0
    xs = np.arange(-200.0 + coarse / 2, 200.0, coarse)
    ys = np.arange(-150.0 + coarse / 2, 150.0, coarse)
    zs = np.arange(LOCALIZER_TOP, LOCALIZER_TOP - LOCALIZER_ROWS * LOCALIZER_ROW_MM, -2.5)
    paths = np.empty((zs.size, xs.size), np.float32)
    for k, z in enumerate(zs):
        canvas = Canvas(xs, ys, float(z), CT_HU_AIR)
        phantom.paint(canvas)
        mu = np.clip(canvas.image + 1000.0, 0.0, None) / 1000.0
        paths[k] = mu.sum(axis=0) * coarse  # mm of water equivalent along the AP ray
    x_out = TAP_GEOMETRY.x
    z_out = LOCALIZER_TOP - (np.arange(LOCALIZER_ROWS) + 0.5) * LOCALIZER_ROW_MM
    by_row = np.array([np.interp(x_out, xs, row) for row in paths])
    image = np.array([np.interp(-z_out, -zs, by_row[:, j]) for j in range(x_out.size)]).T
    rng = np.random.default_rng([_SEEDS[case.slug], 0])
    image = 4000.0 * (1.0 - np.exp(-image / 170.0)) + rng.normal(0.0, 12.0, image.shape)
    assert case.exam is not None
    started = case.exam.performed_at
    dataset = _ct_dataset(
        case, acquisition, CT_TAP_LOCALIZER_SERIES, "Topogramme", 1, "CHESTABDPELVIS", "Tr20f"
    )
    image_common(dataset, 1, ["ORIGINAL", "PRIMARY", "LOCALIZER"], started, started + timedelta(seconds=30))
    dataset.AcquisitionNumber = 1
    dataset.PixelSpacing = [ds(LOCALIZER_ROW_MM), str(TAP_GEOMETRY.pixel)]
    dataset.ImageOrientationPatient = ["1", "0", "0", "0", "0", "-1"]
    dataset.ImagePositionPatient = [ds(float(x_out[0])), "0", ds(float(z_out[0]) + _TAP_TABLE_Z)]
    dataset.SliceThickness = str(acquisition.single_collimation_mm)
    pixel_module(dataset, LOCALIZER_ROWS, TAP_GEOMETRY.size, 12)
    dataset.RescaleType = "US"
    dataset.RescaleIntercept = "0"
    dataset.RescaleSlope = "1"
    dataset.ExposureTime = str(int(acquisition.exposure_time_s * 1000))
    dataset.XRayTubeCurrent = str(acquisition.tube_current_ma)
    dataset.Exposure = str(int(acquisition.tube_current_ma * acquisition.exposure_time_s))
    dataset.CTDIvol = float(acquisition.ctdivol_mgy)
    phantom = acquisition.phantom
    dataset.CTDIPhantomTypeCodeSequence = DicomSequence([code(phantom.code, phantom.system, phantom.label)])
    dataset.WindowCenter = "2600"
    dataset.WindowWidth = "2600"
    dataset.PixelData = np.clip(np.rint(image), 0, 4095).astype(np.uint16).tobytes()
    path = instance_path(out, case, CT_TAP_LOCALIZER_SERIES, 1)
    write(path, dataset, ExplicitVRLittleEndian)
    return [path]


# --- MR ----------------------------------------------------------------------------------------------


def mr_brain(out: Path, instances: Sequence[int]) -> list[Path]:
    """Axial T2 FSE of the brain: 24 slices of 5 mm with a 1 mm gap, JPEG-LS lossless."""
    case, geometry = MR_BRAIN_CASE, MR_GEOMETRY
    assert case.exam is not None
    phantom = HeadPhantom(HeadOptions(elderly=False, subdural_haematoma=False, lesion=True), MR_T2, seed=44)
    field = SmoothNoise(
        np.random.default_rng(_SEEDS[case.slug]), (-130.0, 130.0, -130.0, 130.0, -60.0, 140.0), 60.0
    )
    started = case.exam.performed_at + timedelta(minutes=6)
    written = []
    for instance in instances:
        index = instance - 1
        canvas = Canvas(geometry.x, geometry.y, geometry.z[index], 0.0)
        # a 5 mm slice averages the anatomy over its thickness
        for offset in (-1.6, 0.0, 1.6):
            sub = Canvas(geometry.x, geometry.y, geometry.z[index] + offset, 0.0)
            phantom.paint(sub)
            canvas.image += sub.image / 3.0
        x, y = np.meshgrid(geometry.x - geometry.centre_x, geometry.y - geometry.centre_y)
        coil = 1.0 + 0.22 * (x * x + y * y) / 100.0**2 + 0.08 * field.sample(canvas)
        rng = np.random.default_rng([_SEEDS[case.slug], instance])
        real = canvas.image * coil + rng.normal(0.0, 28.0, canvas.image.shape)
        imaginary = rng.normal(0.0, 28.0, canvas.image.shape)
        magnitude = np.sqrt(real * real + imaginary * imaginary)  # Rician background, as in magnitude images
        pixels = np.clip(np.rint(magnitude), 0, 4095).astype(np.uint16)
        dataset = Dataset()
        sop_common(dataset, MR_IMAGE_STORAGE, instance_uid(case, MR_SERIES, instance), started)
        patient_and_study(dataset, case)
        series(dataset, case, "MR", MR_SERIES, "AX T2 FSE", started, "HEAD")
        equipment(dataset, case, case.exam.device)
        acquired = started + timedelta(seconds=2 * index)
        image_common(
            dataset, instance, ["ORIGINAL", "PRIMARY", "OTHER"], acquired, started + timedelta(minutes=4)
        )
        dataset.AcquisitionNumber = 1
        _plane(dataset, case, geometry, index)
        pixel_module(dataset, geometry.size, geometry.size, 12)
        dataset.ScanningSequence = "SE"
        dataset.SequenceVariant = "SK"
        dataset.ScanOptions = ""
        dataset.MRAcquisitionType = "2D"
        dataset.SequenceName = "fse2d"
        dataset.AngioFlag = "N"
        dataset.RepetitionTime = "5000"
        dataset.EchoTime = "102"
        dataset.EchoTrainLength = "16"
        dataset.NumberOfAverages = "2"
        dataset.ImagingFrequency = "63.86"
        dataset.ImagedNucleus = "1H"
        dataset.EchoNumbers = "1"
        dataset.MagneticFieldStrength = "1.5"
        dataset.NumberOfPhaseEncodingSteps = "256"
        dataset.PercentSampling = "100"
        dataset.PercentPhaseFieldOfView = "100"
        dataset.PixelBandwidth = "162.8"
        dataset.ReceiveCoilName = "HNS Head"
        dataset.TransmitCoilName = "BODY"
        dataset.AcquisitionMatrix = [0, 320, 256, 0]
        dataset.InPlanePhaseEncodingDirection = "ROW"
        dataset.FlipAngle = "90"
        dataset.VariableFlipAngleFlag = "N"
        dataset.SAR = "1.42"
        dataset.dBdt = "0"
        dataset.PatientPosition = "HFS"
        dataset.LossyImageCompression = "00"
        dataset.WindowCenter = "900"
        dataset.WindowWidth = "1800"
        dataset.PixelData = pixels.tobytes()
        dataset.compress(JPEGLSLossless, pixels, generate_instance_uid=False)
        path = instance_path(out, case, MR_SERIES, instance)
        write(path, dataset, JPEGLSLossless)
        written.append(path)
    return written


# --- DX ----------------------------------------------------------------------------------------------


def dx_chest(out: Path) -> list[Path]:
    """PA chest radiograph, digital X-ray for presentation, JPEG 2000 lossless."""
    pixels = chest_radiograph(seed=_SEEDS[DX_CHEST_CASE.slug])
    return _dx(out, DX_CHEST_CASE, pixels, JPEG2000Lossless, "DRX-2530C-0417", cases.DX_DAP_DGYCM2)


def dx_charter_cases(out: Path) -> list[Path]:
    """Issue 23's radiographs: the unknown emergency patient's (provisional identity) and the one on
    the platform before its flux 4 (its image names the order in the Request Attributes Sequence)."""
    written = []
    for case, consolidation in ((cases.UNKNOWN_EMERGENCY_CASE, False), (cases.ACQUIRING_CASE, True)):
        pixels = chest_radiograph(seed=_SEEDS[case.slug], consolidation=consolidation)
        written += _dx(out, case, pixels, JPEG2000Lossless, "DRX-2530C-0417", cases.DX_DAP_DGYCM2)
    return written


def dx_chest_prior(out: Path) -> list[Path]:
    """The CT TAP patient's normal chest radiograph of August: another detector, stored uncompressed."""
    pixels = chest_radiograph(seed=_SEEDS[PRIOR_DX_CHEST.slug], consolidation=False, breasts=True)
    study = PRIOR_DX_CHEST
    syntax = UID(study.transfer_syntax)
    return _dx(out, study, pixels, syntax, "DEVO3-41D2270", cases.PRIOR_DX_DAP_DGYCM2)


def _dx(
    out: Path, case: Study, pixels: np.ndarray, transfer_syntax: UID, detector: str, dap: Decimal
) -> list[Path]:
    assert case.exam is not None
    exam = case.exam
    dataset = Dataset()
    sop_common(dataset, DX_PRESENTATION_STORAGE, instance_uid(case, DX_SERIES, 1), exam.performed_at)
    patient_and_study(dataset, case)
    series(dataset, case, "DX", DX_SERIES, "Thorax PA", exam.performed_at, "CHEST", position=None)
    dataset.PresentationIntentType = "FOR PRESENTATION"
    equipment(dataset, case, exam.device)
    image_common(dataset, 1, ["ORIGINAL", "PRIMARY"], exam.performed_at, exam.performed_at)
    dataset.AcquisitionNumber = 1
    dataset.PatientOrientation = ["L", "F"]
    pixel_module(dataset, cases.DX_ROWS, cases.DX_COLUMNS, DX_BITS)
    dataset.PixelIntensityRelationship = "LOG"
    dataset.PixelIntensityRelationshipSign = 1
    dataset.RescaleIntercept = "0"
    dataset.RescaleSlope = "1"
    dataset.RescaleType = "US"
    dataset.PresentationLUTShape = "IDENTITY"
    dataset.LossyImageCompression = "00"
    dataset.AcquisitionDeviceProcessingDescription = "THORAX PA"
    dataset.CalibrationImage = "NO"
    dataset.WindowCenter = "2048"
    dataset.WindowWidth = "4096"
    dataset.WindowCenterWidthExplanation = "THORAX"
    dataset.ImageLaterality = "U"
    dataset.AnatomicRegionSequence = DicomSequence([code("816094009", "SCT", "Chest")])
    dataset.ViewPosition = "PA"
    dataset.ViewCodeSequence = DicomSequence([code("399348003", "SCT", "postero-anterior")])
    dataset.PatientOrientationCodeSequence = DicomSequence([code("102538003", "SCT", "erect")])
    dataset.DistanceSourceToDetector = "1800"
    dataset.DistanceSourceToPatient = "1650"
    dataset.EstimatedRadiographicMagnificationFactor = "1.0909"
    dataset.PositionerType = "NONE"
    dataset.DetectorType = "SCINTILLATOR"
    dataset.DetectorConfiguration = "AREA"
    dataset.DetectorID = detector
    dataset.DetectorActiveShape = "RECTANGLE"
    dataset.DetectorActiveDimensions = [
        str(cases.DX_ROWS * cases.DX_PIXEL_MM),
        str(cases.DX_COLUMNS * cases.DX_PIXEL_MM),
    ]
    dataset.ImagerPixelSpacing = [str(cases.DX_PIXEL_MM), str(cases.DX_PIXEL_MM)]
    dataset.DetectorBinning = ["1", "1"]
    dataset.FieldOfViewShape = "RECTANGLE"
    dataset.FieldOfViewDimensions = [
        str(int(cases.DX_ROWS * cases.DX_PIXEL_MM)),
        str(int(cases.DX_COLUMNS * cases.DX_PIXEL_MM)),
    ]
    dataset.KVP = str(cases.DX_KVP)
    dataset.ExposureTime = "11"
    dataset.XRayTubeCurrent = "200"
    dataset.Exposure = "2"
    dataset.ExposureInuAs = cases.DX_EXPOSURE_UAS
    dataset.ImageAndFluoroscopyAreaDoseProduct = str(dap)
    dataset.EntranceDoseInmGy = "0.08"
    dataset.ExposureIndex = "310"
    dataset.TargetExposureIndex = "300"
    dataset.DeviationIndex = "0.14"
    dataset.Grid = ["FOCUSED", "RECIPROCATING"]
    dataset.FilterMaterial = ["ALUMINUM", "COPPER"]
    dataset.FilterThicknessMinimum = ["1.0", "0.1"]
    dataset.FilterThicknessMaximum = ["1.0", "0.1"]
    dataset.FocalSpots = "1.2"
    dataset.AnodeTargetMaterial = "TUNGSTEN"
    dataset.CollimatorShape = "RECTANGULAR"
    dataset.CollimatorLeftVerticalEdge = "0"
    dataset.CollimatorRightVerticalEdge = str(cases.DX_COLUMNS)
    dataset.CollimatorUpperHorizontalEdge = "0"
    dataset.CollimatorLowerHorizontalEdge = str(cases.DX_ROWS)
    dataset.AcquisitionContextSequence = DicomSequence()
    dataset.PixelData = pixels.tobytes()
    if transfer_syntax.is_compressed:
        dataset.compress(transfer_syntax, pixels, generate_instance_uid=False)
    path = instance_path(out, case, DX_SERIES, 1)
    write(path, dataset, transfer_syntax)
    return [path]
