"""Reading a file that a student's code could have replaced.

Every folder below ``root`` and the file itself are opened without following
links (one ``O_NOFOLLOW`` step per component, so a link anywhere in the path
fails instead of leading out of the sandbox); only a regular file is read,
never a FIFO (which would block) or a device; at most ``limit`` bytes.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path


class Refused(Exception):
    """The file is missing, not a regular file, behind a link or too large."""


def _enter(root: Path, folders: list[str], opened: list[int]) -> None:
    """Open ``root`` and each folder below it in turn, never through a link;
    the descriptors go into ``opened`` (the caller closes them)."""
    opened.append(os.open(root, os.O_RDONLY | os.O_DIRECTORY))
    for part in folders:
        opened.append(os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=opened[-1]))


def read_bytes(root: Path, relative: str, limit: int) -> bytes:
    parts = [p for p in relative.split("/") if p]
    if not parts or any(p in (".", "..") for p in parts):
        raise Refused(f"bad path {relative!r}")
    opened: list[int] = []
    try:
        _enter(root, parts[:-1], opened)
        info = os.stat(parts[-1], dir_fd=opened[-1], follow_symlinks=False)
        if not stat.S_ISREG(info.st_mode):
            raise Refused("not a regular file")
        opened.append(os.open(parts[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY,
                              dir_fd=opened[-1]))
        info = os.fstat(opened[-1])
        if not stat.S_ISREG(info.st_mode):  # replaced between the two looks
            raise Refused("not a regular file")
        if info.st_size > limit:
            raise Refused(f"{info.st_size} bytes, more than the limit of {limit}")
        data = b""
        while len(data) <= limit and (chunk := os.read(opened[-1], limit + 1 - len(data))):
            data += chunk
        if len(data) > limit:  # it grew after the look
            raise Refused(f"more than the limit of {limit} bytes")
        return data
    except FileNotFoundError as error:
        raise Refused("missing") from error
    except OSError as error:  # ELOOP from a link, ENOTDIR, EACCES, ...
        raise Refused(f"unreadable ({error.strerror})") from error
    finally:
        for fd in reversed(opened):
            os.close(fd)


def remove(root: Path, relative: str) -> None:
    """Delete the entry at ``relative`` (a file or a link, never what a link
    points to); folders on the way are entered without following links.
    Nothing happens where anything is missing or refused."""
    parts = [p for p in relative.split("/") if p]
    opened: list[int] = []
    try:
        _enter(root, parts[:-1], opened)
        os.unlink(parts[-1], dir_fd=opened[-1])
    except OSError:
        pass
    finally:
        for fd in reversed(opened):
            os.close(fd)
