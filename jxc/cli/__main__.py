import sys

from jxc.cli import main

sys.exit(main())
