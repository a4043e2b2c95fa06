"""``python -m workstation.selftest``: the self-test alone (as ``teleradiologie --self-test``)."""

import multiprocessing
import sys

from workstation.selftest import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
