"""OParl sources: reading the public data of a council information system (OParl 1.0/1.1) into a replica.

Qt-free and independent of the client (``sync`` never imports ``gremalda``): the replica side is the
:class:`~sync.oparl.port.OParlReplicaPort` protocol. Modules by responsibility: :mod:`~sync.oparl.http`
(GET with retries, TLS, lenient JSON, fetchable URLs), :mod:`~sync.oparl.lists` (paging, filters, loop
detection), :mod:`~sync.oparl.normalise` (repairing objects), :mod:`~sync.oparl.mapping` (to our wire
types), :mod:`~sync.oparl.importer` (full and incremental passes), :mod:`~sync.oparl.files` (document
bytes), :mod:`~sync.oparl.repairs` (what was repaired or skipped).
"""

from sync.oparl.files import FileFailure, FilesReport, fetch_files
from sync.oparl.http import OParlHttp
from sync.oparl.importer import (
    DEFAULT_OVERLAP,
    FULL_EVERY,
    ImportProgress,
    ImportReport,
    OParlImporter,
    counts_line,
)
from sync.oparl.mapping import ChildRef, Entity, Record, file_tag
from sync.oparl.port import Applied, FileSink, FileTask, OParlReplicaPort
from sync.oparl.repairs import Incident, RepairLog

__all__ = [
    "DEFAULT_OVERLAP",
    "FULL_EVERY",
    "Applied",
    "ChildRef",
    "Entity",
    "FileFailure",
    "FileSink",
    "FileTask",
    "FilesReport",
    "ImportProgress",
    "ImportReport",
    "Incident",
    "OParlHttp",
    "OParlImporter",
    "OParlReplicaPort",
    "Record",
    "RepairLog",
    "counts_line",
    "fetch_files",
    "file_tag",
]
