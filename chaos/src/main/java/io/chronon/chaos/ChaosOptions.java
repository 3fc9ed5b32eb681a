package io.chronon.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The chaos command's options; see {@link #USAGE}. */
record ChaosOptions(int schedules, long firstSeed, int jobs, List<Integer> nodes, List<Workload> workloads,
                    Duration duration, int clients, Path out, Path nodeJar) {
    static final String USAGE = """
            usage: java -jar chaos/target/chronon-chaos.jar [options]
              --schedules N       fault schedules to run (default 1)
              --seed S            the first schedule's seed; schedule i runs seed S+i (default: random)
              --jobs J            schedules run at once, each its own cluster (default 1)
              --nodes 3,5         cluster sizes, taken in turn (default 3)
              --workloads kv,bank workloads, taken in turn (default kv,bank)
              --duration 30s      how long the clients run per schedule (default 30s; at least 15s)
              --clients C         concurrent clients per schedule (default 4)
              --out DIR           where each schedule leaves its files (default target/chaos); a schedule
                                  whose summary.json is there already is not run again (resume)
              --node-jar JAR      the packaged node (default app/target/quarkus-app/quarkus-run.jar)
            Exit status: 0 when no schedule found an anomaly, 1 when one did, 2 for bad options.""";

    ChaosOptions {
        nodes = List.copyOf(nodes);
        workloads = List.copyOf(workloads);
        if (schedules < 1 || jobs < 1 || clients < 1) {
            throw new IllegalArgumentException("--schedules, --jobs and --clients must be at least 1");
        }
        if (duration.compareTo(Duration.ofSeconds(15)) < 0) {
            throw new IllegalArgumentException("--duration must be at least 15s (warm-up, faults and recovery): "
                    + duration.toSeconds() + "s");
        }
        for (int size : nodes) {
            if (size < 3 || size % 2 == 0) {
                throw new IllegalArgumentException("--nodes takes odd sizes of at least 3, not " + size);
            }
        }
    }

    /** Schedule {@code i}: its seed, and a size and workload taken in turn so that every pair comes up. */
    Schedule schedule(int i) {
        Workload workload = workloads.get(i % workloads.size());
        int size = nodes.get((i / workloads.size()) % nodes.size());
        return Schedule.generate(firstSeed + i, size, workload, duration);
    }

    static ChaosOptions parse(String[] args) {
        int schedules = 1;
        long seed = new Random().nextLong() & 0xffff_ffffL;
        int jobs = 1;
        List<Integer> nodes = List.of(3);
        List<Workload> workloads = List.of(Workload.KV, Workload.BANK);
        Duration duration = Duration.ofSeconds(30);
        int clients = 4;
        Path out = Path.of("target/chaos");
        Path nodeJar = Path.of("app/target/quarkus-app/quarkus-run.jar");
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--help") || option.equals("-h")) {
                throw new IllegalArgumentException("");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + option + " needs a value");
            }
            String value = args[++i];
            try {
                switch (option) {
                    case "--schedules" -> schedules = Integer.parseInt(value);
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--jobs" -> jobs = Integer.parseInt(value);
                    case "--nodes" -> nodes = split(value).stream().map(Integer::parseInt).toList();
                    case "--workloads" -> workloads = split(value).stream().map(Workload::parse).toList();
                    case "--duration" -> duration = duration(value);
                    case "--clients" -> clients = Integer.parseInt(value);
                    case "--out" -> out = Path.of(value);
                    case "--node-jar" -> nodeJar = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " takes a number, not '" + value + "'");
            }
        }
        return new ChaosOptions(schedules, seed, jobs, nodes, workloads, duration, clients, out, nodeJar);
    }

    private static List<String> split(String value) {
        List<String> parts = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                parts.add(part.trim());
            }
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("an empty list: '" + value + "'");
        }
        return parts;
    }

    /** {@code 90s}, {@code 2m} or a number of seconds. */
    static Duration duration(String value) {
        String text = value.trim().toLowerCase(java.util.Locale.ROOT);
        if (text.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        return Duration.ofSeconds(Long.parseLong(text.endsWith("s") ? text.substring(0, text.length() - 1) : text));
    }
}
