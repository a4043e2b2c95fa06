"""python -m teleplatform.demo --out DIR: write the demo data directory (idempotent)."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from .datadir import default_workers, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m teleplatform.demo",
        description="Génère les données de démonstration de la plateforme "
        "(images DICOM, demandes HL7, compte).",
    )
    parser.add_argument("--out", required=True, type=Path, help="dossier de données de la plateforme")
    parser.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help="nombre de processus de génération (défaut : %(default)s)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    started = time.perf_counter()
    try:
        made = generate(args.out, workers=args.workers)
    except OSError as exc:
        logging.getLogger(__name__).error("cannot write the demo data to %s: %s", args.out, exc)
        print(
            f"Impossible d'écrire les données de démonstration dans {args.out} : {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 1
    elapsed = time.perf_counter() - started
    if made:
        print(f"Données de démonstration écrites dans {args.out} en {elapsed:.1f} s.")
    else:
        print(f"Données de démonstration déjà à jour dans {args.out}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
