"""Report output: CDA build and HL7 wrap (target < 100 ms), validation with and without schematron.

Each figure comes with a peer measured in the same run, on the same machine state:

* building our CDA vs lxml parsing and re-serialising the very same CDA bytes: the floor of
  "producing those bytes with lxml", so the ratio tells what our model-to-XML work costs on top;
* wrapping in HL7 v2 vs hl7apy parsing the message back (the receiver's side of the same bytes);
* validation: XSD alone (lxml) vs XSD + the five ANS schematrons (saxonche, as
  ``../shared/tools/validate-cda`` runs them), on our document and on the ANS example.

The report is the complete one of ``tests/reporting/factories`` (ANS example identities: dose with
two acquisitions, a contrast product, a measurement, an incident). Medians of interleaved
repetitions, warm caches; Saxon's one-off stylesheet compilation is reported apart.
"""

from __future__ import annotations

import argparse
import importlib.machinery
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from lxml import etree

from bench._targets import Targets

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
VALIDATOR = SHARED / "tools" / "validate-cda"
ANS_EXAMPLE = SHARED / "specs" / "cisis" / "ExemplesCDA" / "IMG_CR_IMG_2024.01.xml"
TARGET_S = 0.100


def _timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def _medians(contenders: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Interleaved runs (one of each per round) so that the machine's noise hits all alike."""
    for function in contenders.values():
        function()  # warm-up: imports, caches
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(repeat):
        for name, function in contenders.items():
            samples[name].append(_timed(function))
    return {name: statistics.median(values) for name, values in samples.items()}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def _validator_module() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("validate_cda", str(VALIDATOR))
    spec = importlib.util.spec_from_loader("validate_cda", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def bench_build(repeat: int, targets: Targets) -> bytes:
    from reporting.cda import build_cda
    from reporting.hl7 import extract_cda, read_segments, wrap
    from reporting.pipeline import build_and_wrap
    from tests.reporting.factories import make_signed

    report = make_signed()
    cda = build_cda(report)
    message = wrap(report, cda, control_id="BENCH0000000000000001").er7
    assert extract_cda(message) == cda
    contenders: dict[str, Callable[[], object]] = {
        "build_cda": lambda: build_cda(report),
        "wrap": lambda: wrap(report, cda, control_id="BENCH0000000000000001"),
        "build_and_wrap": lambda: build_and_wrap(report, control_id="BENCH0000000000000001"),
        "hl7apy parse (peer)": lambda: read_segments(message),
        "extract_cda": lambda: extract_cda(message),
    }
    contenders["lxml parse+serialise same CDA (peer)"] = lambda: etree.tostring(
        etree.fromstring(cda), xml_declaration=True, encoding="UTF-8"
    )
    result = _medians(contenders, repeat)
    print(f"CDA {len(cda):,} bytes, HL7 message {len(message.encode()):,} bytes; median of {repeat} runs")
    for name, seconds in result.items():
        print(f"  {name:<42}{_ms(seconds)}")
    total = result["build_and_wrap"]
    targets.at_most("CDA + HL7 (build_and_wrap)", total * 1000, TARGET_S * 1000, "ms")
    peer = result["lxml parse+serialise same CDA (peer)"]
    print(f"  ratio build_cda / lxml parse+serialise of the same bytes: {result['build_cda'] / peer:.1f}x")
    ratio = result["wrap"] / result["hl7apy parse (peer)"]
    print(f"  ratio wrap / hl7apy parse of the same message: {ratio:.2f}x")
    return cda


def bench_validation(cda: bytes, repeat: int, schematron: bool) -> None:
    if not VALIDATOR.is_file():
        print(f"validation skipped: {VALIDATOR} is absent (../shared not beside the checkout)")
        return
    tool = _validator_module()
    with tempfile.TemporaryDirectory() as folder:
        ours = Path(folder) / "cr.xml"
        ours.write_bytes(cda)
        documents = {"our CDA": ours, "ANS example": ANS_EXAMPLE}
        size = ANS_EXAMPLE.stat().st_size // 1024
        print(f"\nour CDA {len(cda) // 1024} kB, ANS example {ANS_EXAMPLE.name} {size} kB")
        start = time.perf_counter()
        schema = etree.XMLSchema(etree.parse(tool.XSD))
        load_xsd = time.perf_counter() - start
        print(f"validation; XSD loaded once in {_ms(load_xsd).strip()}; median of {repeat} runs")
        xsd = _medians(
            {name: (lambda p=path: schema.validate(etree.parse(str(p)))) for name, path in documents.items()},
            repeat,
        )
        assert schema.validate(etree.parse(str(ours))), schema.error_log
        for name, seconds in xsd.items():
            print(f"  XSD only, {name:<33}{_ms(seconds)}")
        if not schematron:
            return
        from saxonche import PySaxonProcessor

        with PySaxonProcessor(license=False) as processor:
            xslt = processor.new_xslt30_processor()
            start = time.perf_counter()
            executables = []
            for relative in tool.SCHEMATRONS:
                sch = Path(tool.SCH_DIR) / relative
                executables.append(xslt.compile_stylesheet(stylesheet_file=str(sch.with_suffix(".xsl"))))
            compile_s = time.perf_counter() - start
            print(f"  Saxon compiles the {len(executables)} schematrons once: {compile_s:.2f} s")

            def full(path: Path) -> int:
                schema.validate(etree.parse(str(path)))
                failed = 0
                for executable in executables:
                    svrl = etree.fromstring(executable.transform_to_string(source_file=str(path)).encode())
                    failed += sum(1 for _ in svrl.iter(f"{tool.SVRL}failed-assert"))
                return failed

            assert full(ours) == 0, "our CDA fails the ANS schematrons"
            rounds = max(3, repeat // 5)
            with_sch = _medians({name: (lambda p=path: full(p)) for name, path in documents.items()}, rounds)
            for name, seconds in with_sch.items():
                print(
                    f"  XSD + schematrons, {name:<26}{_ms(seconds)}  "
                    f"({seconds / xsd[name]:.0f}x XSD alone; median of {rounds})"
                )
            print(
                "  ratio our CDA / ANS example: "
                f"XSD {xsd['our CDA'] / xsd['ANS example']:.2f}x, "
                f"with schematrons {with_sch['our CDA'] / with_sch['ANS example']:.2f}x"
            )
        start = time.perf_counter()
        run = subprocess.run(
            [sys.executable, str(VALIDATOR), str(ours)], capture_output=True, text=True, check=False
        )
        elapsed = time.perf_counter() - start
        print(f"  CI command (validate-cda, 1 document, new process): {elapsed:.2f} s, exit {run.returncode}")


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench reporting", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="repetitions per contender (default 30)")
    parser.add_argument(
        "--no-schematron", action="store_true", help="skip the schematron part (Saxon: about 10 s)"
    )
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    targets = Targets("reporting")
    cda = bench_build(args.repeat, targets)
    bench_validation(cda, args.repeat, not args.no_schematron)
    return targets.status()
