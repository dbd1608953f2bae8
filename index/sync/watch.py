"""Keep the index in sync with a folder: poll file sizes and times, re-sync when they settle."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from index.config import IndexConfig
from index.reading.loading import DocumentsFolderError
from index.storage.folder import StorageBusyError
from index.sync.build import BuildReport, build_index
from index.sync.previous import prepare_next_sync

log = logging.getLogger(__name__)
Snapshot = dict[str, tuple[int, int, int]]


def folder_snapshot(folder: Path) -> Snapshot:
    """Size, modification time and inode of every file: any edit, rename or delete changes it."""
    snapshot: Snapshot = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = os.path.join(root, name)
            try:
                stat = os.stat(path)
            except OSError:  # vanished or a broken link: still a change worth noticing
                snapshot[path] = (-1, -1, -1)
                continue
            snapshot[path] = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
    return snapshot


def watch(
    config: IndexConfig,
    on_sync: Callable[[BuildReport], None],
    on_error: Callable[[Exception], None],
    interval: float = 1.0,
    syncs: int | None = None,
) -> None:
    """Sync now and after every change, until interrupted (or after `syncs` syncs, for tests).

    Polling, not inotify: it works on every file system (network shares, containers) and one
    stat per file per second is cheap next to embedding. A folder still being written is synced
    once it has looked the same for one interval, so a half-copied file is not indexed.
    """
    done = 0
    seen: Snapshot | None = None
    waiting = False  # another writer holds the lock: said once, retried every interval
    while syncs is None or done < syncs:
        current = folder_snapshot(config.documents_dir)
        if current != seen:
            time.sleep(interval)
            settled = folder_snapshot(config.documents_dir)
            if settled != current:
                continue
            try:
                on_sync(build_index(config))
                seen, waiting = current, False
                prepare_next_sync(config)
            except StorageBusyError as busy:  # another writer: try again on the next poll
                if not waiting:
                    on_error(busy)
                waiting = True
            except DocumentsFolderError as problem:  # emptied folder: keep the index, keep watching
                on_error(problem)
                seen = current
            done += 1
        else:
            time.sleep(interval)
