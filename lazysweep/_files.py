"""Writing the files a command names (``--output``, ``--missing``, ``$GITHUB_OUTPUT``): whole, or not at all.

What a path names decides how it is written:

* a regular file, or a path that does not exist yet: a temporary file beside
  it, renamed over it once complete (:func:`os.replace` is atomic on POSIX),
  so a reader sees the old content or the new, never half of it; the file's
  permission bits are kept;
* a symbolic link: the same, for the file it points to (the link stays a link,
  its target gets the new content); a chain of links is followed to its end;
* anything else (a FIFO, ``/dev/stdout``, a terminal, any path through
  ``/dev`` or ``/proc``): written through, never replaced, since replacing
  would leave the reader of a FIFO waiting forever and, as root, turn the
  system's ``/dev/stdout`` link into a file;
* a folder, or a path whose folder is missing: refused.

Errors are :class:`~lazysweep._errors.SweepError` naming the path.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Iterable

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the command's start-up; annotations are strings anyway
    from typing import TextIO

from ._errors import SweepError

__all__ = ["write_file", "append_whole"]

#: Paths under these folders are the kernel's views of open descriptors and devices: written through.
_SPECIAL_FOLDERS = ("/dev/", "/proc/")


def write_file(path: str, chunks: Iterable[str]) -> None:
    """Write the text ``chunks`` (UTF-8) to ``path``, as the module's documentation says.

    O(size of the text) time; memory O(one chunk).
    """
    try:
        status = os.stat(path)  # through links, /proc's own ones too (/dev/stdout -> pipe:[...])
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise SweepError(f"cannot write: {error.strerror or error}", path=path) from None
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise SweepError("cannot write: it is a folder", path=path)
    stream = None if status is None else _open_stream(status)
    if stream is not None:
        _write_stream(path, stream, chunks)
    elif status is not None and (not stat.S_ISREG(status.st_mode) or _special(path)):
        _write_through(path, chunks)
    else:  # a symbolic link's end gets the content, the link stays
        _replace(path, os.path.realpath(path), chunks, None if status is None else stat.S_IMODE(status.st_mode))


def _special(path: str) -> bool:
    """Whether ``path`` or a link on the way to its end lies in ``/dev`` or ``/proc`` (``/dev/stdout``
    -> ``/proc/self/fd/1`` -> the file standard output was sent to: that file is not ours to replace)."""
    current = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on links followed
        if current.startswith(_SPECIAL_FOLDERS):
            return True
        if not os.path.islink(current):
            return False
        current = os.path.normpath(os.path.join(os.path.dirname(current), os.readlink(current)))
    return False


def _open_stream(status: os.stat_result) -> TextIO | None:
    """This process's standard output or error when the file is the one they write
    (``--output /dev/stdout > out.txt``): written through that stream, at its position."""
    for stream in (sys.stdout, sys.stderr):
        try:
            open_status = os.fstat(stream.fileno())
        except (OSError, ValueError, AttributeError):
            continue
        if (open_status.st_dev, open_status.st_ino) == (status.st_dev, status.st_ino):
            return stream
    return None


def _write_stream(path: str, stream: TextIO, chunks: Iterable[str]) -> None:
    try:
        stream.writelines(chunks)
        stream.flush()
    except OSError as error:
        raise SweepError(f"cannot write: {error.strerror or error}", path=path) from None


def _write_through(path: str, chunks: Iterable[str]) -> None:
    """Write into what ``path`` names (a FIFO, a device, a descriptor's file), appending, never replacing it."""
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.writelines(chunks)
    except OSError as error:
        raise SweepError(f"cannot write: {error.strerror or error}", path=path) from None


def _replace(path: str, target: str, chunks: Iterable[str], mode: int | None) -> None:
    """Write ``target`` whole through a temporary file beside it, or leave it as it was."""
    temporary = f"{target}.{os.getpid()}.tmp"
    try:
        with open(temporary, "x", encoding="utf-8") as handle:
            handle.writelines(chunks)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException as error:  # KeyboardInterrupt too: never leave the temporary file behind
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(error, OSError):
            raise SweepError(f"cannot write: {error.strerror or error}", path=path) from None
        raise


def append_whole(path: str, text: str, what: str) -> None:
    """Append ``text`` to the regular file ``path`` in full, or leave the file as it was.

    For ``$GITHUB_OUTPUT`` and ``$GITHUB_STEP_SUMMARY``, files the runner reads after the step: it is
    opened without blocking, and anything but a regular file (a FIFO, a device) is refused, since a
    record must land whole. O(size of ``text``).
    """
    data = text.encode("utf-8")
    try:
        handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK, 0o644)
    except OSError as error:
        if error.errno == errno.ENXIO:  # a FIFO nobody reads
            raise SweepError(f"cannot write {what}: not a regular file", path=path) from None
        raise SweepError(f"cannot open {what}: {error.strerror or error}", path=path) from None
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode):
            raise SweepError(f"cannot write {what}: not a regular file", path=path)
        size = status.st_size
        written = 0
        try:
            while written < len(data):
                written += os.write(handle, data[written:])
        except OSError as error:
            try:
                os.ftruncate(handle, size)
            except OSError:
                pass
            raise SweepError(f"cannot write {what}: {error.strerror or error}", path=path) from None
    finally:
        os.close(handle)
