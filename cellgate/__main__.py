"""Allow `python -m cellgate ...`."""

import sys

from cellgate.cli import main

sys.exit(main())
