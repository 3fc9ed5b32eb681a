package io.chronon.bench.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Stop-the-world garbage-collector pauses of the servers during a window.
 *
 * @param count      pauses
 * @param totalMillis their sum over all servers
 * @param maxMillis  the longest, or NaN when the source cannot tell
 * @param source     where the numbers come from
 */
record GcPauses(long count, double totalMillis, double maxMillis, String source) {
    /** A JVM started with {@code -Xlog:gc:file=<log>:tm}: one line per pause, stamped with epoch ms. */
    private static final Pattern PAUSE = Pattern.compile("^\\[(\\d+)ms\\] GC\\(\\d+\\) (Pause .*) (\\d+(?:\\.\\d+)?)ms$");

    /** The {@code -Xlog} option that writes the log {@link #fromJvmLogs} reads. */
    static String jvmLogOption(Path log) {
        return "-Xlog:gc:file=" + log + ":tm";
    }

    /** The pauses that ended within [fromMillis, toMillis] (epoch ms) in these JVMs' gc logs. */
    static GcPauses fromJvmLogs(List<Path> logs, long fromMillis, long toMillis) {
        long count = 0;
        double total = 0;
        double max = 0;
        for (Path log : logs) {
            try (Stream<String> lines = Files.lines(log)) {
                for (String line : (Iterable<String>) lines::iterator) {
                    Matcher pause = PAUSE.matcher(line);
                    if (pause.matches()) {
                        long at = Long.parseLong(pause.group(1));
                        if (at >= fromMillis && at <= toMillis) {
                            double millis = Double.parseDouble(pause.group(3));
                            count++;
                            total += millis;
                            max = Math.max(max, millis);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the gc log " + log, e);
            }
        }
        return new GcPauses(count, total, max, "-Xlog:gc of the 3 server JVMs");
    }
}
