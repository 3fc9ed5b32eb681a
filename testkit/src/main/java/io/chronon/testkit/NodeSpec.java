package io.chronon.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to launch one node: an immutable description that {@link NodeProcess} turns into a command line,
 * the same one at every (re)start.
 *
 * <p>The command is {@code <java.home>/bin/java -Xmx<maxHeap> <jvmArgs...> -D<k>=<v>... (-jar <jar> |
 * -cp <classpath> <mainClass>) <args...>}; see {@link #command()}.
 *
 * @param name             for log lines, thread names and the default log file
 * @param jar              the runnable jar ({@code app/target/quarkus-app/quarkus-run.jar}), or {@code null}
 *                         when launching {@code mainClass}
 * @param classpath        with {@code mainClass}: the {@code -cp} value; {@code null} with a jar
 * @param mainClass        the main class to run instead of a jar, or {@code null}
 * @param maxHeap          the {@code -Xmx} value, such as {@code "256m"}
 * @param jvmArgs          further JVM options, placed before the system properties
 * @param systemProperties the {@code -D} properties, in the order given
 * @param args             program arguments after the jar or main class
 * @param environment      variables added to (or overriding) the inherited environment
 * @param workDir          the child's working directory, or {@code null} for this JVM's
 * @param logFile          where the child's stdout and stderr are appended
 * @param httpPort         the port {@link NodeProcess#awaitHttp} polls; 0 if the node serves no HTTP. Taken
 *                         from the {@value #HTTP_PORT} system property when that is set
 * @param httpHost         the address {@link NodeProcess#uri} reaches the node at: {@code 127.0.0.1}, unless
 *                         the node binds another loopback address (several "pods" on one port)
 */
public record NodeSpec(String name, Path jar, String classpath, String mainClass, String maxHeap,
                       List<String> jvmArgs, Map<String, String> systemProperties, List<String> args,
                       Map<String, String> environment, Path workDir, Path logFile, int httpPort, String httpHost) {

    /** The node's replica id. */
    public static final String NODE_ID = "chronon.node-id";
    /** The cluster's members. */
    public static final String MEMBERS = "chronon.members";
    /** The node's data directory, kept across restarts. */
    public static final String DATA_DIR = "chronon.data-dir";
    /** Where this node dials each peer, {@code id=host:port,...}; see {@link ProxyMesh#dialAddresses}. */
    public static final String DIAL_ADDRESSES = "chronon.dial-addresses";
    /** The HTTP port of a Quarkus application. */
    public static final String HTTP_PORT = "quarkus.http.port";

    public NodeSpec {
        Objects.requireNonNull(name, "name");
        if ((jar == null) == (mainClass == null)) {
            throw new IllegalArgumentException("give exactly one of a jar and a main class for node " + name);
        }
        if (mainClass != null && classpath == null) {
            throw new IllegalArgumentException("a main class needs a classpath (node " + name + ")");
        }
        if (jar != null && classpath != null) {
            throw new IllegalArgumentException("a jar carries its own classpath (node " + name + ")");
        }
        Objects.requireNonNull(maxHeap, "maxHeap");
        jvmArgs = List.copyOf(jvmArgs);
        systemProperties = orderedCopy(systemProperties, "system property");
        args = List.copyOf(args);
        environment = orderedCopy(environment, "environment variable");
        Objects.requireNonNull(logFile, "logFile");
        if (systemProperties.containsKey(HTTP_PORT)) {
            int fromProperty = Integer.parseInt(systemProperties.get(HTTP_PORT));
            if (httpPort != 0 && httpPort != fromProperty) {
                throw new IllegalArgumentException("http port " + httpPort + " but " + HTTP_PORT + "="
                        + fromProperty + " (node " + name + ")");
            }
            httpPort = fromProperty;
        }
        if (httpPort < 0 || httpPort > 65_535) {
            throw new IllegalArgumentException("http port " + httpPort + " out of range");
        }
        Objects.requireNonNull(httpHost, "httpHost");
    }

    private static Map<String, String> orderedCopy(Map<String, String> map, String what) {
        Map<String, String> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new NullPointerException(what + " " + k + "=" + v);
            }
            copy.put(k, v);
        });
        return Collections.unmodifiableMap(copy);
    }

    /** The java executable of the running JVM: {@code <java.home>/bin/java}. */
    public static Path javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** The full command line, {@code java} itself first: exec'd directly, never through a shell. */
    public List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable().toString());
        command.add("-Xmx" + maxHeap);
        command.addAll(jvmArgs);
        systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        if (jar != null) {
            command.add("-jar");
            command.add(jar.toString());
        } else {
            command.add("-cp");
            command.add(classpath);
            command.add(mainClass);
        }
        command.addAll(args);
        return List.copyOf(command);
    }

    /** This spec with one system property added or replaced (for a restart with changed settings). */
    public NodeSpec withSystemProperty(String key, String value) {
        return toBuilder().systemProperty(key, value).build();
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.jar = jar;
        b.classpath = classpath;
        b.mainClass = mainClass;
        b.maxHeap = maxHeap;
        b.jvmArgs.addAll(jvmArgs);
        b.systemProperties.putAll(systemProperties);
        b.args.addAll(args);
        b.environment.putAll(environment);
        b.workDir = workDir;
        b.logFile = logFile;
        b.httpPort = httpPort;
        b.httpHost = httpHost;
        return b;
    }

    /**
     * Builds a {@link NodeSpec}. Defaults: {@code -Xmx256m}, no further options, the log file
     * {@code target/testkit-logs/<name>.log} (relative to the working directory of the test JVM; the
     * same file on every run, appended to: tests that search their logs set a {@link #logFile} of their own).
     */
    public static final class Builder {
        private final String name;
        private Path jar;
        private String classpath;
        private String mainClass;
        private String maxHeap = "256m";
        private final List<String> jvmArgs = new ArrayList<>();
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Path workDir;
        private Path logFile;
        private int httpPort;
        private String httpHost = "127.0.0.1";

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** Run {@code java -jar jar}. */
        public Builder jar(Path jar) {
            this.jar = Objects.requireNonNull(jar);
            this.classpath = null;
            this.mainClass = null;
            return this;
        }

        /** Run {@code java -cp classpath mainClass} (for tests: {@code System.getProperty("java.class.path")}). */
        public Builder mainClass(String classpath, String mainClass) {
            this.classpath = Objects.requireNonNull(classpath);
            this.mainClass = Objects.requireNonNull(mainClass);
            this.jar = null;
            return this;
        }

        /** The {@code -Xmx} value, such as {@code "256m"}. */
        public Builder maxHeap(String maxHeap) {
            this.maxHeap = Objects.requireNonNull(maxHeap);
            return this;
        }

        public Builder jvmArg(String arg) {
            jvmArgs.add(Objects.requireNonNull(arg));
            return this;
        }

        public Builder systemProperty(String key, String value) {
            systemProperties.put(Objects.requireNonNull(key), Objects.requireNonNull(value, key));
            if (key.equals(HTTP_PORT)) {
                httpPort = 0; // the property decides
            }
            return this;
        }

        public Builder systemProperties(Map<String, String> properties) {
            properties.forEach(this::systemProperty);
            return this;
        }

        public Builder nodeId(int id) {
            return systemProperty(NODE_ID, Integer.toString(id));
        }

        public Builder members(String members) {
            return systemProperty(MEMBERS, members);
        }

        public Builder dataDir(Path dataDir) {
            return systemProperty(DATA_DIR, dataDir.toAbsolutePath().toString());
        }

        public Builder dialAddresses(String dialAddresses) {
            return systemProperty(DIAL_ADDRESSES, dialAddresses);
        }

        /** The port to poll, also passed to the node as {@code quarkus.http.port}. */
        public Builder httpPort(int port) {
            return systemProperty(HTTP_PORT, Integer.toString(port));
        }

        public Builder arg(String arg) {
            args.add(Objects.requireNonNull(arg));
            return this;
        }

        /** The address the node's HTTP server binds and {@link NodeProcess#uri} uses (default 127.0.0.1). */
        public Builder httpHost(String host) {
            this.httpHost = Objects.requireNonNull(host);
            return this;
        }

        public Builder env(String name, String value) {
            environment.put(Objects.requireNonNull(name), Objects.requireNonNull(value, name));
            return this;
        }

        public Builder workDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        public Builder logFile(Path logFile) {
            this.logFile = Objects.requireNonNull(logFile);
            return this;
        }

        public NodeSpec build() {
            Path log = logFile != null ? logFile : Path.of("target", "testkit-logs", name + ".log");
            return new NodeSpec(name, jar, classpath, mainClass, maxHeap, jvmArgs, systemProperties, args,
                    environment, workDir, log, httpPort, httpHost);
        }
    }
}
