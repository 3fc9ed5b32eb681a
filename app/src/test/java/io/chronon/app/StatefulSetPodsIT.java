package io.chronon.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.chronon.client.ChrononClient;
import io.chronon.client.CommandResult;
import io.chronon.testkit.NodeProcess;
import io.chronon.testkit.NodeSpec;
import io.chronon.testkit.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three "pods" on one machine: packaged nodes started with exactly the environment the StatefulSet of
 * {@code k8s/chronon.yaml} gives each pod (its literal values, the downward API's namespace and pod
 * index, the Secret's keys), no {@code chronon.members}, each bound to its own loopback address on the
 * same port, with the pods' DNS names resolving to those addresses through a hosts file. They derive
 * their members from the StatefulSet, form a cluster, elect a primary and serve a bank transfer.
 *
 * <p>What differs from a pod, and why: the port is a free one rather than 8080 (this machine's 8080 may
 * be taken), the data directory is a temporary directory (the volume), and the bind address is the
 * pod's loopback address rather than 0.0.0.0 (three "pods" share the machine's port space).
 */
class StatefulSetPodsIT {
    private static final String NAMESPACE = "bank";
    private static final Map<String, String> SECRET = Map.of("cluster-secret", "pods-on-one-machine-secret",
            "admin-token", "pods-on-one-machine-token");
    private static final Pattern ROLE = Pattern.compile("\"role\":\"([A-Z_]+)\"");
    private final List<NodeProcess> pods = new ArrayList<>();

    @AfterEach
    void stop() {
        pods.forEach(NodeProcess::close);
    }

    /** The chronon container of the StatefulSet in k8s/chronon.yaml. */
    private static JsonNode container() throws IOException {
        Path manifests = Path.of(System.getProperty("chronon.k8s.manifests"));
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        for (JsonNode document : yaml.readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(manifests))
                .readAll()) {
            if (document != null && "StatefulSet".equals(document.path("kind").asText())) {
                return document.at("/spec/template/spec/containers/0");
            }
        }
        throw new AssertionError("no StatefulSet in " + manifests);
    }

    /** The environment Kubernetes gives pod {@code ordinal}, as the manifest declares it. */
    private static Map<String, String> podEnvironment(JsonNode container, int ordinal) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (JsonNode variable : container.path("env")) {
            String name = variable.path("name").asText();
            JsonNode from = variable.path("valueFrom");
            if (variable.has("value")) {
                environment.put(name, variable.path("value").asText());
            } else if (from.has("fieldRef")) {
                String field = from.at("/fieldRef/fieldPath").asText();
                environment.put(name, switch (field) {
                    case "metadata.namespace" -> NAMESPACE;
                    case "metadata.labels['apps.kubernetes.io/pod-index']" -> Integer.toString(ordinal);
                    default -> throw new AssertionError("the test does not know the downward API field " + field);
                });
            } else if (from.has("secretKeyRef")) {
                String key = from.at("/secretKeyRef/key").asText();
                assertTrue(SECRET.containsKey(key), "the Secret has no key " + key);
                environment.put(name, SECRET.get(key));
            } else {
                throw new AssertionError("the test does not know where " + name + " comes from: " + variable);
            }
        }
        return environment;
    }

    /** A probe's port as a number: the port itself, or the container port it names. */
    private static String containerPort(JsonNode container, JsonNode port) {
        if (port.isInt()) {
            return port.asText();
        }
        for (JsonNode declared : container.path("ports")) {
            if (port.asText().equals(declared.path("name").asText())) {
                return declared.path("containerPort").asText();
            }
        }
        throw new AssertionError("the container declares no port named " + port);
    }

    @Test
    void threePodsWithTheStatefulSetsEnvironmentFormAClusterAndServeATransfer() throws Exception {
        JsonNode container = container();
        Map<String, String> declared = podEnvironment(container, 0);
        assertEquals("statefulset", declared.get("CHRONON_DISCOVERY"));
        int replicas = Integer.parseInt(declared.get("CHRONON_REPLICAS"));
        String service = declared.get("CHRONON_SERVICE");
        assertEquals(3, replicas);
        assertFalse(declared.containsKey("CHRONON_MEMBERS"), "the members come from the StatefulSet alone");

        int port = Ports.free();
        Path hosts = Files.createTempFile("pods", ".hosts");
        StringBuilder lines = new StringBuilder();
        for (int ordinal = 0; ordinal < replicas; ordinal++) {
            lines.append(address(ordinal)).append(' ').append("chronon-").append(ordinal).append('.').append(service)
                    .append('.').append(NAMESPACE).append(".svc.cluster.local\n");
        }
        Files.writeString(hosts, lines);
        Path jar = Path.of(System.getProperty("chronon.node.jar"));
        Path logs = ItLogs.freshDirectory("statefulset-pods");
        for (int ordinal = 0; ordinal < replicas; ordinal++) {
            NodeSpec.Builder pod = NodeSpec.builder("pod-" + ordinal).jar(jar).httpHost(address(ordinal))
                    .jvmArg("-Djdk.net.hosts.file=" + hosts)
                    .logFile(logs.resolve("statefulset-pod-" + ordinal + ".log"));
            podEnvironment(container, ordinal).forEach(pod::env);
            pod.env("HOSTNAME", "chronon-" + ordinal)
                    .env("QUARKUS_HTTP_HOST", address(ordinal))
                    .env("QUARKUS_HTTP_PORT", Integer.toString(port))
                    .env("CHRONON_DATA_DIR", Files.createTempDirectory("chronon-pod-" + ordinal).toString());
            pods.add(NodeProcess.start(pod.httpPort(port).build()));
        }
        for (NodeProcess pod : pods) {
            pod.awaitHttp("/q/health/ready", 200, Duration.ofSeconds(90));
        }
        List<String> urls = pods.stream().map(pod -> pod.uri("/").toString().replaceAll("/$", "")).toList();
        try (ChrononClient client = LocalCluster.client(urls)) {
            client.submit(LocalCluster.deposit("pod-a", 50));
            CommandResult transfer = client.submit(LocalCluster.transfer("pod-a", "pod-b", 20));
            assertTrue(transfer.index() > 0, "committed: " + transfer);
        }
        List<String> roles = new ArrayList<>();
        for (NodeProcess pod : pods) {
            String status = pod.get("/chronon/status", Duration.ofSeconds(5)).body();
            assertTrue(status.contains("chronon-0." + service + "." + NAMESPACE + ".svc.cluster.local:" + port),
                    "members derived from the StatefulSet: " + status);
            Matcher role = ROLE.matcher(status);
            assertTrue(role.find(), status);
            roles.add(role.group(1));
        }
        assertEquals(1, roles.stream().filter("PRIMARY"::equals).count(), "one primary: " + roles);

        // Each probe of the manifest asks the port the pod's HTTP server listens on, at a path that
        // answers 200 on a running pod (the test moves that port, as it moves the address).
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertTrue(get.has("path"), probe + " is an HTTP probe: " + container.path(probe));
            assertEquals(declared.get("QUARKUS_HTTP_PORT"), containerPort(container, get.path("port")),
                    probe + " asks the port the HTTP server listens on");
            for (NodeProcess pod : pods) {
                assertEquals(200, pod.get(get.path("path").asText(), Duration.ofSeconds(5)).statusCode(),
                        probe + " " + get.path("path").asText() + " on " + pod.uri("/"));
            }
        }
    }

    /** Pod {@code ordinal}'s loopback address: 127.0.0.1, .2, .3. */
    private static String address(int ordinal) {
        return "127.0.0." + (ordinal + 1);
    }
}
