package io.chronon.engine;

import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Limits of a log. Every limit is explicit and checked: a payload outside
 * {@code [1, maxPayloadBytes]} is refused with the same message on every path.
 *
 * @param segmentBytes    size of each preallocated segment file (a multiple of 4 KiB)
 * @param maxBatchBytes   the most entry bytes (headers and payloads) one barrier writes
 * @param maxPayloadBytes the largest payload an entry may carry
 * @param segmentPreparer where the next segment file is zero-filled ahead of time, so that the write
 *                        that fills a segment does not wait for its successor's preallocation (a
 *                        64 MiB segment takes about 200 ms to fill and sync); empty: each segment is
 *                        made when the log needs it, on the writer's thread (deterministic: the
 *                        simulator and the tools)
 */
public record LogOptions(long segmentBytes, int maxBatchBytes, int maxPayloadBytes,
                         Optional<Executor> segmentPreparer) {

    public static final int BLOCK_BYTES = 4096;

    /** 64 MiB segments, batches of up to 8 MiB, payloads of up to 1 MiB. */
    public static final LogOptions DEFAULTS = new LogOptions(64L << 20, 8 << 20, 1 << 20);

    public LogOptions(long segmentBytes, int maxBatchBytes, int maxPayloadBytes) {
        this(segmentBytes, maxBatchBytes, maxPayloadBytes, Optional.empty());
    }

    /** These limits, with the next segment prepared ahead of time on {@code preparer}. */
    public LogOptions preparingSegmentsOn(Executor preparer) {
        return new LogOptions(segmentBytes, maxBatchBytes, maxPayloadBytes, Optional.of(preparer));
    }

    public LogOptions {
        Invariants.check(segmentBytes % BLOCK_BYTES == 0, "segmentBytes must be a multiple of %s: %s",
                BLOCK_BYTES, segmentBytes);
        Invariants.check(maxPayloadBytes >= 1, "maxPayloadBytes must be positive: %s", maxPayloadBytes);
        Invariants.check(maxBatchBytes >= Entry.HEADER_BYTES + maxPayloadBytes,
                "maxBatchBytes (%s) must hold at least one entry of maxPayloadBytes (%s)", maxBatchBytes,
                maxPayloadBytes);
        Invariants.check(segmentBytes >= BLOCK_BYTES + batchExtentBytes(maxBatchBytes),
                "segmentBytes (%s) must hold its header block and one full batch of maxBatchBytes (%s)",
                segmentBytes, maxBatchBytes);
    }

    /** The most bytes one batch of {@code bodyBytes} of entries occupies, padding included. */
    static long batchExtentBytes(int bodyBytes) {
        return BatchHeader.align(BatchHeader.align(BatchHeader.BYTES + bodyBytes, 8) + BatchHeader.BYTES,
                BLOCK_BYTES);
    }

    /** The one check every path that accepts a payload goes through. */
    public void checkPayload(int payloadBytes) {
        if (payloadBytes < 1 || payloadBytes > maxPayloadBytes) {
            throw new IllegalArgumentException("an entry payload must have between 1 and " + maxPayloadBytes
                    + " bytes, not " + payloadBytes);
        }
    }
}
