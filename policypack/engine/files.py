"""Reading a file the user named, safely: only a regular file, only up to a size, never blocking.

A path may be a FIFO (reading blocks until someone writes), a device or a link to one (`/dev/zero`
never ends), or simply huge. The file is opened without blocking, checked with `fstat` on the open
descriptor (no race between the check and the read), and read up to the limit only.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

MiB = 1024 * 1024


class UnreadableFile(Exception):
    """The path is not a regular file of acceptable size, or cannot be read; a one-line reason."""


def read_bytes(path: Path, limit: int) -> bytes:
    """The whole content of a regular file of at most `limit` bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except PermissionError:
        raise UnreadableFile("cannot read it (permission denied)") from None
    except IsADirectoryError:
        raise UnreadableFile("is a folder") from None
    except OSError as err:
        raise UnreadableFile(f"cannot read it ({err.strerror or err.__class__.__name__})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile("is a folder")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(f"is not a regular file (it is a {_kind(info.st_mode)})")
        if info.st_size > limit:
            raise UnreadableFile(f"is {_size(info.st_size)}, more than the {_size(limit)} the scanner reads")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(MiB, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise UnreadableFile(f"is more than the {_size(limit)} the scanner reads")
        return b"".join(chunks)
    except OSError as err:
        raise UnreadableFile(f"cannot read it ({err.strerror or err.__class__.__name__})") from None
    finally:
        os.close(fd)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM (PowerShell's `>`); UnicodeDecodeError else."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding)
    return data.decode("utf-8")


def read_text(path: Path, limit: int) -> str:
    try:
        return decode_text(read_bytes(path, limit))
    except UnicodeDecodeError:
        raise UnreadableFile("is not a text file (not UTF-8)") from None


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def _size(n: int) -> str:
    return f"{n / MiB:.0f} MiB" if n >= MiB else f"{n} bytes"
