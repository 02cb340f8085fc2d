import sys

from taut.cli import main

sys.exit(main())
