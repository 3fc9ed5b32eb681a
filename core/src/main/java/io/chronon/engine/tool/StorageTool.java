package io.chronon.engine.tool;

import java.io.PrintStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import io.chronon.engine.DataDirectory;
import io.chronon.engine.DryRunDisk;
import io.chronon.engine.Entry;
import io.chronon.engine.EntryUnavailableException;
import io.chronon.engine.FileDisk;
import io.chronon.engine.Log;
import io.chronon.engine.LogOptions;
import io.chronon.engine.LogReader;
import io.chronon.engine.Manifest;
import io.chronon.engine.RecoveryFinding;

/**
 * Offline operations on a data directory, without starting a node:
 * <pre>
 *   verify DIR                      recover read-only, re-verify every entry and the chain, report
 *   dump DIR [--from N] [--limit N] print entries
 *   demo DIR [--entries N] [--batch N] [--payload BYTES]
 *                                   write entries with group commit, then reopen and verify them
 * </pre>
 * {@code verify} and {@code dump} never write: recovery runs on a {@link DryRunDisk}, so what it
 * would repair is reported, not done. Exit status: 0 intact, 2 damage found, 1 usage or I/O error.
 */
public final class StorageTool {
    private final PrintStream out;

    private StorageTool(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** Runs one command; returns the exit status. */
    public static int run(String[] args, PrintStream out) {
        if (args.length < 2) {
            out.println("usage: StorageTool verify|dump|demo DATA_DIR [options]");
            return 1;
        }
        Path directory = Path.of(args[1]);
        StorageTool tool = new StorageTool(out);
        try {
            return switch (args[0]) {
                case "verify" -> tool.verify(directory);
                case "dump" -> tool.dump(directory, option(args, "--from", -1), option(args, "--limit", 100));
                case "demo" -> tool.demo(directory, (int) option(args, "--entries", 100_000),
                        (int) option(args, "--batch", 64), (int) option(args, "--payload", 128));
                default -> {
                    out.println("unknown command " + args[0] + "; use verify, dump or demo");
                    yield 1;
                }
            };
        } catch (RuntimeException e) {
            out.println("error: " + e.getMessage());
            return 1;
        }
    }

    private static long option(String[] args, String name, long fallback) {
        for (int i = 2; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Long.parseLong(args[i + 1]);
            }
        }
        return fallback;
    }

    private DataDirectory inspect(Path directory) {
        if (!Files.exists(directory.resolve(Manifest.FILE))) {
            throw new IllegalArgumentException(directory + " holds no Chronon data directory (no manifest)");
        }
        DryRunDisk disk = new DryRunDisk(FileDisk.open(directory, false));
        return DataDirectory.open(disk, LogOptions.DEFAULTS, () -> {
            throw new IllegalStateException("inspection never bootstraps");
        }, UUID::randomUUID);
    }

    private int verify(Path directory) {
        try (DataDirectory data = inspect(directory)) {
            Log log = data.log();
            out.println("cluster " + data.manifest().state().clusterId() + ", view " + data.manifest().state().view()
                    + ", last normal view " + data.manifest().state().lastNormalView() + ", commit index "
                    + (data.manifest().state().hasCommit() ? data.manifest().state().commitIndex() : "none"));
            out.println("log entries " + log.firstIndex() + ".." + log.durableIndex() + ", snapshots "
                    + data.snapshots().indices());
            for (RecoveryFinding finding : data.findings()) {
                out.println((finding instanceof RecoveryFinding.Damage ? "DAMAGE  " : "note    ") + finding);
            }
            long verified = verifyEntries(log);
            int damage = data.damage().size() + log.damagedRanges().size();
            out.println(verified + " entries verified (checksums, payload hashes, chain); "
                    + (damage == 0 ? "no damage" : log.damagedRanges().size() + " damaged ranges: " + log.damagedRanges()));
            return damage == 0 ? 0 : 2;
        }
    }

    /** Reads every intact stretch of the log through a verifying reader; returns entries verified. */
    private long verifyEntries(Log log) {
        long verified = 0;
        long index = log.firstIndex();
        while (index <= log.durableIndex()) {
            long start = index;
            List<Log.IndexRange> damaged = log.damagedRanges();
            long end = damaged.stream().filter(range -> range.first() >= start).mapToLong(range -> range.first() - 1)
                    .min().orElse(log.durableIndex());
            end = Math.min(end, log.durableIndex());
            if (end >= start) {
                try (LogReader reader = log.reader(start, end)) {
                    while (reader.hasNext()) {
                        reader.next();
                        verified++;
                        index++;
                        if (verified % 1_000_000 == 0) {
                            out.println("  verified " + verified + " entries");
                        }
                    }
                } catch (EntryUnavailableException e) {
                    out.println("DAMAGE  " + e.getMessage());
                    index = e.index() + 1;
                    continue;
                }
            }
            long after = end + 1;
            index = damaged.stream().filter(range -> range.first() <= after && after <= range.last())
                    .mapToLong(range -> range.last() + 1).findFirst().orElse(after);
        }
        return verified;
    }

    private int dump(Path directory, long from, long limit) {
        try (DataDirectory data = inspect(directory)) {
            Log log = data.log();
            long start = from < 0 ? log.firstIndex() : from;
            long end = Math.min(log.durableIndex(), start + limit - 1);
            out.println("index view timestamp client request bytes hash previous payload");
            for (long index = start; index <= end; index++) {
                try {
                    out.println(describe(log.read(index)));
                } catch (EntryUnavailableException e) {
                    out.println(index + " unavailable: " + e.getMessage());
                }
            }
            return data.damage().isEmpty() ? 0 : 2;
        }
    }

    static String describe(Entry entry) {
        return entry.index() + " " + entry.view() + " " + Instant.ofEpochSecond(0, entry.timestamp()) + " "
                + (entry.client().equals(Entry.NO_CLIENT) ? "-" : entry.client()) + " " + entry.requestNumber() + " "
                + entry.payload().length + " " + entry.hash().shortHex() + " " + entry.previousHash().shortHex() + " "
                + preview(entry.payload());
    }

    private static String preview(byte[] payload) {
        int length = Math.min(payload.length, 80);
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(payload, 0, length)).toString();
            if (text.chars().allMatch(c -> c >= 0x20 || c == '\t')) {
                return text + (payload.length > length ? "…" : "");
            }
        } catch (CharacterCodingException e) {
            // Not text: shown as hex below.
        }
        return "0x" + HexFormat.of().formatHex(payload, 0, Math.min(payload.length, 32))
                + (payload.length > 32 ? "…" : "");
    }

    private int demo(Path directory, int entries, int batch, int payloadBytes) {
        if (entries < 1 || batch < 1 || payloadBytes < 1) {
            throw new IllegalArgumentException("--entries, --batch and --payload must be positive");
        }
        long written;
        long started = System.nanoTime();
        try (DataDirectory data = DataDirectory.open(FileDisk.open(directory, false), LogOptions.DEFAULTS,
                UUID::randomUUID, UUID::randomUUID)) {
            out.println((data.bootstrapped() ? "created" : "opened") + " data directory " + directory.toAbsolutePath()
                    + " for cluster " + data.manifest().state().clusterId());
            data.findings().forEach(finding -> out.println("recovery: " + finding));
            Log log = data.log();
            long first = log.lastIndex() + 1;
            UUID client = UUID.randomUUID();
            for (int i = 0; i < entries; i++) {
                String text = "demo entry " + (first + i) + " ";
                byte[] payload = text.repeat(payloadBytes / text.length() + 1).substring(0, payloadBytes)
                        .getBytes(StandardCharsets.US_ASCII);
                log.append(1, System.currentTimeMillis() * 1_000_000, client, i + 1, payload);
                if ((i + 1) % batch == 0 || i == entries - 1) {
                    log.barrier();
                }
                if ((i + 1) % 100_000 == 0) {
                    out.println("  " + (i + 1) + " entries durable");
                }
            }
            written = log.durableIndex() - first + 1;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf("appended %d entries of %d bytes in batches of %d: %.0f entries/s, %.1f ms%n", written, payloadBytes,
                batch, written / seconds, seconds * 1000);
        out.println("reopening and verifying every entry...");
        return verify(directory);
    }
}
