"""`python -m policypack scan PATH...` / `python -m policypack demo`: the offline scanner.

(The policy pack itself is served by the repository's root `__main__.py`, which the Pulumi engine runs.)
"""

import sys

from policypack.scan.cli import main

if __name__ == "__main__":
    sys.exit(main())
