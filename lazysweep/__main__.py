"""The ``lazysweep`` command as a process: the console script and ``python -m lazysweep``.

:func:`lazysweep._cli.main` is the command line as a function (tests call it
in-process); :func:`console` runs it as a whole process, and two things make
that process cheaper than a plain ``sys.exit(main())``, measured in
benchmarks/README.md:

* the command's modules are imported with the cyclic garbage collector paused,
  then frozen (``gc.freeze``): importing allocates tens of thousands of
  objects and no garbage, and a collection that walks them is wasted work;
* it ends with ``os._exit`` once standard output and error are flushed,
  skipping the interpreter's finalization, which frees every object one by
  one when the operating system reclaims the memory at once. Nothing is lost:
  the commands close every file they write, their temporary files are
  unlinked from the start, and no ``atexit`` handler is registered.
"""

import gc
import os

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up
    from typing import NoReturn


def console() -> "NoReturn":
    """Run ``lazysweep`` on ``sys.argv`` and exit the process with its status."""
    gc.disable()
    try:
        from ._cli import main
        from ._console import finish
    finally:
        gc.freeze()
        gc.enable()
    os._exit(finish("lazysweep", main()))


if __name__ == "__main__":
    console()
