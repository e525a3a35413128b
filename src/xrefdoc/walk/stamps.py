"""What tells a file or a folder changed without reading it: its stamp (size, times and
inode), trusted only once it is older than a change in the same tick of the file system's
clock could leave it (git's "racy" case). The record cache trusts a file's stamp, a walk a
folder's (``plain_folders``)."""

from __future__ import annotations

import os

# A file changed this close to the scan may change again within the same timestamp.
_RACY_NS = 2_000_000_000


def stat_stamp(info: os.stat_result) -> str:
    """Size, times and inode: what tells a file's content changed without reading it."""
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}"


def file_stamp(info: os.stat_result, scan_started_ns: int) -> str:
    """The ``stat_stamp`` a later scan may trust, as make and git would; empty for a file
    (or folder) modified just before the scan, which is looked at every time until it is
    older."""
    if max(info.st_mtime_ns, info.st_ctime_ns) >= scan_started_ns - _RACY_NS:
        return ""
    return stat_stamp(info)
