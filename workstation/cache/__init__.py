"""The encrypted study cache: the worklist's studies kept on the workstation for offline reading.

Use (the composition root)::

    cache = StudyCache.open(cache_dir, KeyStore(),                 # master key from the OS keyring;
                            auditor=TrailCacheAuditor(trail, current_user))  # plain-text keyrings refused
    if cache.reset_notice: show(cache.reset_notice)                # cache emptied: key changed
    prefetcher = Prefetcher(cache, client.dicomweb, size_cap=20 * 2**30,
                            on_failure=monitor.report_failure)
    prefetcher.subscribe(on_prefetch_event)                        # STUDY_CACHED, CAP_REACHED, FAILED
    prefetcher.start()
    prefetcher.update(PrefetchRequest(e.study_instance_uid, e.received_at, urgent=..., assigned=...,
                                      order_id=e.order_id, patient_id=...,
                                      order_hl7=tuple(m.hl7 for m in e.messages)) for e in ...)
    cache.studies()                                                # offline list; .order_hl7 gives
                                                                   # the order back (parse_order)

    with cache.open_study(study_uid) as opened:                    # decrypted in RAM (/dev/shm), audited
        viewer.load(opened.directory)                              # <SeriesUID>/<SOPInstanceUID>.dcm

    cache.mark_reported(study_uid, ack_time)                       # the report's ACK AA
    cache.evict_expired(outbox_store.has_open)                     # e.g. at start and every hour

Errors: :class:`CacheMiss` (not cached), :class:`CacheIntegrityError` (a file altered or moved:
never shown; fetch the study again), both with a French ``user_message``.

Protection (see ``crypto.py``): AES-256-GCM per file under a random per-study key, wrapped by a
master key from the OS keyring; associated data binds each file to its study and instance; file and
directory names are random; the index holds HMAC tags instead of UIDs and no patient name at all;
eviction destroys the wrapped study key (SQLite secure_delete, WAL truncated) before the files.
"""

from workstation.cache.auditing import TrailCacheAuditor
from workstation.cache.prefetch import (
    Prefetcher,
    PrefetchEvent,
    PrefetchEventKind,
    PrefetchReport,
    PrefetchRequest,
)
from workstation.cache.store import (
    RETENTION,
    CacheAuditor,
    CachedInstance,
    CachedStudy,
    CacheError,
    CacheIntegrityError,
    CacheMiss,
    OpenedStudy,
    StudyCache,
    default_runtime_dir,
)

__all__ = [
    "RETENTION",
    "CacheAuditor",
    "CacheError",
    "CacheIntegrityError",
    "CacheMiss",
    "CachedInstance",
    "CachedStudy",
    "OpenedStudy",
    "PrefetchEvent",
    "PrefetchEventKind",
    "PrefetchReport",
    "PrefetchRequest",
    "Prefetcher",
    "StudyCache",
    "TrailCacheAuditor",
    "default_runtime_dir",
]
