package io.chronon.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart, offline: it lints clean, and its renders for several value sets, parsed into
 * fabric8's Kubernetes model, hold what the node needs (odd replica count, a volume per replica at
 * the data directory, probes on the node's health endpoints and port, the secret, stable selectors,
 * the StatefulSet discovery environment) and what an operator expects (PDB, anti-affinity, a
 * non-root read-only container).
 */
class HelmChartTest {
    private static final String RELEASE = "chronon";
    private static final Set<String> SELECTOR = Set.of("app.kubernetes.io/name", "app.kubernetes.io/instance");

    private static Manifests render(String... settings) {
        return Manifests.parse(Helm.template(RELEASE, settings).succeeded().out());
    }

    private static Container node(StatefulSet statefulSet) {
        List<Container> containers = statefulSet.getSpec().getTemplate().getSpec().getContainers();
        assertEquals(1, containers.size());
        return containers.getFirst();
    }

    private static Map<String, EnvVar> env(Container container) {
        return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, Function.identity()));
    }

    private static String value(Container container, String name) {
        EnvVar variable = env(container).get(name);
        assertNotNull(variable, "no " + name + " in " + env(container).keySet());
        return variable.getValue();
    }

    @Test
    void theChartLintsClean() {
        Helm.Run lint = Helm.run("lint", Helm.CHART.toString(), "--strict").succeeded();
        assertTrue(lint.out().contains("0 chart(s) failed"), lint.out());
    }

    @Test
    void theDefaultRenderIsAThreeReplicaStatefulSetWithAVolumePerReplicaAtTheDataDirectory() {
        Manifests objects = render();
        StatefulSet statefulSet = objects.one(StatefulSet.class, "chronon");
        assertEquals(3, statefulSet.getSpec().getReplicas());
        assertEquals("Parallel", statefulSet.getSpec().getPodManagementPolicy());
        Container node = node(statefulSet);
        assertEquals("3", value(node, "CHRONON_REPLICAS"), "the node's replica count is the StatefulSet's");
        assertEquals("statefulset", value(node, "CHRONON_DISCOVERY"));

        List<PersistentVolumeClaim> claims = statefulSet.getSpec().getVolumeClaimTemplates();
        assertEquals(1, claims.size(), "one claim per replica, from the template");
        PersistentVolumeClaim data = claims.getFirst();
        assertEquals("10Gi", data.getSpec().getResources().getRequests().get("storage").toString());
        assertEquals(List.of("ReadWriteOnce"), data.getSpec().getAccessModes());
        VolumeMount mount = node.getVolumeMounts().stream()
                .filter(candidate -> candidate.getName().equals(data.getMetadata().getName())).findFirst()
                .orElseThrow(() -> new AssertionError("the claim is not mounted"));
        assertEquals(value(node, "CHRONON_DATA_DIR"), mount.getMountPath(), "the node keeps its data on the volume");
        assertFalse(Boolean.TRUE.equals(mount.getReadOnly()));
    }

    @Test
    void probesAskTheNodesHealthEndpointsOnTheNodesHttpPort() {
        Container node = node(render().one(StatefulSet.class, "chronon"));
        assertEquals(1, node.getPorts().size());
        assertEquals("http", node.getPorts().getFirst().getName());
        int port = node.getPorts().getFirst().getContainerPort();
        assertEquals(Integer.toString(port), value(node, "QUARKUS_HTTP_PORT"), "the node serves on the container port");
        Map<String, Probe> probes = Map.of("/q/health/ready", node.getReadinessProbe(), "/q/health/live",
                node.getLivenessProbe());
        probes.forEach((path, probe) -> {
            assertEquals(path, probe.getHttpGet().getPath());
            assertEquals("http", probe.getHttpGet().getPort().getStrVal());
        });
        Probe startup = node.getStartupProbe();
        assertEquals("/q/health/live", startup.getHttpGet().getPath());
        assertTrue(startup.getFailureThreshold() * startup.getPeriodSeconds() >= 300,
                "at least five minutes to replay the log before liveness counts");
    }

    @Test
    void theServicesGiveThePeersStableNamesAndTheClientsOnePort() {
        Manifests objects = render();
        StatefulSet statefulSet = objects.one(StatefulSet.class, "chronon");
        Service headless = objects.one(Service.class, statefulSet.getSpec().getServiceName());
        assertEquals("None", headless.getSpec().getClusterIP());
        assertTrue(headless.getSpec().getPublishNotReadyAddresses(), "peers find each other before they are ready");
        assertEquals(headless.getMetadata().getName(), value(node(statefulSet), "CHRONON_SERVICE"));
        Service clients = objects.one(Service.class, "chronon");
        assertEquals("ClusterIP", clients.getSpec().getType());
        Map<String, String> podLabels = statefulSet.getSpec().getTemplate().getMetadata().getLabels();
        int port = node(statefulSet).getPorts().getFirst().getContainerPort();
        for (Service service : List.of(headless, clients)) {
            assertTrue(podLabels.entrySet().containsAll(service.getSpec().getSelector().entrySet()),
                    service.getMetadata().getName() + " selects the pods");
            assertEquals(port, service.getSpec().getPorts().getFirst().getPort());
            assertEquals("http", service.getSpec().getPorts().getFirst().getTargetPort().getStrVal());
        }
    }

    @Test
    void theSecretIsGeneratedOnceAndReferencedForTheClusterSecretAndTheAdminToken() {
        Manifests objects = render();
        Secret secret = objects.one(Secret.class, "chronon");
        assertEquals("keep", secret.getMetadata().getAnnotations().get("helm.sh/resource-policy"));
        Container node = node(objects.one(StatefulSet.class, "chronon"));
        for (Map.Entry<String, String> reference : Map.of("CHRONON_CLUSTER_SECRET", "cluster-secret",
                "CHRONON_ADMIN_TOKEN", "admin-token").entrySet()) {
            EnvVar variable = env(node).get(reference.getKey());
            assertEquals("chronon", variable.getValueFrom().getSecretKeyRef().getName());
            assertEquals(reference.getValue(), variable.getValueFrom().getSecretKeyRef().getKey());
            String value = new String(Base64.getDecoder().decode(secret.getData().get(reference.getValue())),
                    StandardCharsets.UTF_8);
            assertTrue(value.length() >= 48, "a long random value");
        }
        assertNotEquals(secret.getData(), render().one(Secret.class, "chronon").getData(),
                "random on each new install");

        Manifests existing = render("secret.existingSecret=bank-secrets");
        assertTrue(existing.all(Secret.class).isEmpty(), "an existing Secret is used, none made");
        assertEquals("bank-secrets", env(node(existing.one(StatefulSet.class, "chronon"))).get("CHRONON_ADMIN_TOKEN")
                .getValueFrom().getSecretKeyRef().getName());
    }

    @Test
    void selectorsHoldNoVersionAndStayTheSameAcrossReleasesOfOtherImages() {
        StatefulSet first = render().one(StatefulSet.class, "chronon");
        StatefulSet upgraded = render("image.tag=9.9.9", "replicaCount=5").one(StatefulSet.class, "chronon");
        Map<String, String> selector = first.getSpec().getSelector().getMatchLabels();
        assertEquals(SELECTOR, selector.keySet(), "name and instance only");
        assertEquals(selector, upgraded.getSpec().getSelector().getMatchLabels());
        assertEquals(selector, first.getSpec().getVolumeClaimTemplates().getFirst().getMetadata().getLabels(),
                "the claims' labels, immutable too, hold no version either");
        assertEquals("chronon/chronon:9.9.9", node(upgraded).getImage());
        assertEquals("chronon/chronon:0.1.0", node(first).getImage(), "the chart's appVersion by default");
        PodDisruptionBudget budget = render().only(PodDisruptionBudget.class);
        assertEquals(selector, budget.getSpec().getSelector().getMatchLabels());
        assertEquals(1, budget.getSpec().getMaxUnavailable().getIntVal(), "at most one replica down");
    }

    @Test
    void aReplicaCountOtherThanOneThreeFiveOrSevenIsRefusedNamingReplicaCount() {
        for (String count : List.of("4", "2", "0", "9")) {
            Helm.Run refused = Helm.template(RELEASE, "replicaCount=" + count);
            assertNotEquals(0, refused.exit(), "replicaCount=" + count + " rendered");
            assertTrue(refused.err().contains("replicaCount"), refused.err());
        }
        StatefulSet five = render("replicaCount=5").one(StatefulSet.class, "chronon");
        assertEquals(5, five.getSpec().getReplicas());
        assertEquals("5", value(node(five), "CHRONON_REPLICAS"));
    }

    @Test
    void aDisruptionBudgetAboveAMinorityIsRefusedNamingIt() {
        Map<String, String> refused = Map.of("3", "2", "5", "3", "1", "2");
        refused.forEach((replicas, budget) -> {
            Helm.Run run = Helm.template(RELEASE, "replicaCount=" + replicas,
                    "podDisruptionBudget.maxUnavailable=" + budget);
            assertNotEquals(0, run.exit(), replicas + " replicas, " + budget + " unavailable rendered");
            assertTrue(run.err().contains("podDisruptionBudget.maxUnavailable=" + budget), run.err());
        });
        Helm.Run beyondAnyMinority = Helm.template(RELEASE, "replicaCount=7", "podDisruptionBudget.maxUnavailable=4");
        assertNotEquals(0, beyondAnyMinority.exit());
        assertTrue(beyondAnyMinority.err().contains("schema"), beyondAnyMinority.err());
        Map<String, Integer> allowed = Map.of("1", 1, "3", 1, "5", 2, "7", 3);
        allowed.forEach((replicas, budget) -> assertEquals(budget, render("replicaCount=" + replicas,
                "podDisruptionBudget.maxUnavailable=" + budget).only(PodDisruptionBudget.class).getSpec()
                .getMaxUnavailable().getIntVal()));
    }

    @Test
    void thePodIsNonRootWithAReadOnlyRootAndSpreadOverNodes() {
        PodSpec pod = render().one(StatefulSet.class, "chronon").getSpec().getTemplate().getSpec();
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        Container node = pod.getContainers().getFirst();
        assertTrue(node.getSecurityContext().getReadOnlyRootFilesystem());
        assertFalse(node.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), node.getSecurityContext().getCapabilities().getDrop());
        VolumeMount tmp = node.getVolumeMounts().stream().filter(mount -> mount.getMountPath().equals("/tmp"))
                .findFirst().orElseThrow(() -> new AssertionError("no writable /tmp"));
        assertNotNull(pod.getVolumes().stream().filter(volume -> volume.getName().equals(tmp.getName())).findFirst()
                .orElseThrow().getEmptyDir());
        assertNotNull(node.getResources().getRequests().get("memory"));
        assertNotNull(node.getResources().getLimits().get("memory"));
        assertEquals("kubernetes.io/hostname", pod.getAffinity().getPodAntiAffinity()
                .getPreferredDuringSchedulingIgnoredDuringExecution().getFirst().getPodAffinityTerm().getTopologyKey());
        PodSpec hard = render("podAntiAffinity=hard").one(StatefulSet.class, "chronon").getSpec().getTemplate()
                .getSpec();
        assertEquals(1, hard.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .size());
    }

    @Test
    void theStatefulSetGivesEachPodItsOrdinalNamespaceAndHeadlessService() {
        Container node = node(render().one(StatefulSet.class, "chronon"));
        assertEquals("metadata.labels['apps.kubernetes.io/pod-index']",
                env(node).get("CHRONON_POD_INDEX").getValueFrom().getFieldRef().getFieldPath());
        assertEquals("metadata.namespace", env(node).get("CHRONON_NAMESPACE").getValueFrom().getFieldRef()
                .getFieldPath());
        assertEquals("bank", value(node, "CHRONON_APPLICATION"));
    }

    @Test
    void sinksAreConfiguredThroughTheStandardSettingsAndARouteWithoutItsSystemIsRefused() {
        Helm.Run refused = Helm.template(RELEASE, "effects.statements=postgresql");
        assertNotEquals(0, refused.exit());
        assertTrue(refused.err().contains("postgresql.url"), refused.err());

        Container node = node(render("effects.statements=postgresql", "postgresql.url=postgresql://db:5432/bank",
                "postgresql.username=chronon", "postgresql.existingSecret=db", "effects.transfers=transfers-rabbitmq",
                "rabbitmq.host=rabbit").one(StatefulSet.class, "chronon"));
        assertEquals("postgresql", value(node, "CHRONON_EFFECTS__STATEMENTS__SINK"));
        assertEquals("postgresql://db:5432/bank", value(node, "QUARKUS_DATASOURCE_REACTIVE_URL"));
        assertEquals("chronon", value(node, "QUARKUS_DATASOURCE_USERNAME"));
        assertEquals("db", env(node).get("QUARKUS_DATASOURCE_PASSWORD").getValueFrom().getSecretKeyRef().getName());
        assertEquals("transfers-rabbitmq", value(node, "CHRONON_EFFECTS__TRANSFERS__SINK"));
        assertEquals("rabbit", value(node, "RABBITMQ_HOST"));

        Container journaled = node(render().one(StatefulSet.class, "chronon"));
        assertEquals("journal", value(journaled, "CHRONON_EFFECTS__STATEMENTS__SINK"), "safe without a database");
        assertNull(env(journaled).get("QUARKUS_DATASOURCE_REACTIVE_URL"));
    }

    @Test
    void natsMqttAndAmqpReachTheNodeOnlyWhenConfiguredAndARouteWithoutThemIsRefused() {
        Map<String, String> needs = Map.of("transfers-nats", "nats.servers", "transfers-mqtt", "mqtt.host",
                "transfers-amqp", "amqp.host");
        needs.forEach((sink, value) -> {
            Helm.Run refused = Helm.template(RELEASE, "effects.transfers=" + sink);
            assertNotEquals(0, refused.exit(), sink + " rendered without " + value);
            assertTrue(refused.err().contains(value), refused.err());
        });

        Container nats = node(render("effects.transfers=transfers-nats",
                "nats.servers=nats://nats-0:4222\\,nats://nats-1:4222", "nats.username=chronon",
                "nats.existingSecret=nats-credentials", "nats.passwordKey=secret").one(StatefulSet.class, "chronon"));
        assertEquals("transfers-nats", value(nats, "CHRONON_EFFECTS__TRANSFERS__SINK"));
        assertEquals("nats://nats-0:4222,nats://nats-1:4222", value(nats, "QUARKUS_MESSAGING_NATS_CONNECTION_SERVERS"));
        assertEquals("chronon", value(nats, "QUARKUS_MESSAGING_NATS_CONNECTION_USERNAME"));
        assertSecret(nats, "QUARKUS_MESSAGING_NATS_CONNECTION_PASSWORD", "nats-credentials", "secret");

        Container mqtt = node(render("effects.transfers=transfers-mqtt", "mqtt.host=mosquitto", "mqtt.port=8883",
                "mqtt.topic=bank/transfers").one(StatefulSet.class, "chronon"));
        assertEquals("transfers-mqtt", value(mqtt, "CHRONON_EFFECTS__TRANSFERS__SINK"));
        assertEquals("mosquitto", value(mqtt, "BANK_MQTT_HOST"));
        assertEquals("8883", value(mqtt, "BANK_MQTT_PORT"));
        assertEquals("bank/transfers", value(mqtt, "BANK_MQTT_TOPIC"));

        Container amqp = node(render("effects.transfers=transfers-amqp", "amqp.host=artemis", "amqp.username=chronon",
                "amqp.existingSecret=artemis-credentials").one(StatefulSet.class, "chronon"));
        assertEquals("transfers-amqp", value(amqp, "CHRONON_EFFECTS__TRANSFERS__SINK"));
        assertEquals("artemis", value(amqp, "BANK_AMQP_HOST"));
        assertEquals("5672", value(amqp, "BANK_AMQP_PORT"));
        assertEquals("chronon.transfers", value(amqp, "BANK_AMQP_ADDRESS"));
        assertEquals("chronon", value(amqp, "BANK_AMQP_USERNAME"));
        assertSecret(amqp, "BANK_AMQP_PASSWORD", "artemis-credentials", "password");
        assertNull(env(amqp).get("BANK_MQTT_HOST"), "MQTT is not configured");

        Set<String> defaults = env(node(render().one(StatefulSet.class, "chronon"))).keySet();
        for (String variable : List.of("QUARKUS_MESSAGING_NATS_CONNECTION_SERVERS",
                "QUARKUS_MESSAGING_NATS_CONNECTION_PASSWORD", "BANK_MQTT_HOST", "BANK_AMQP_HOST",
                "BANK_AMQP_PASSWORD")) {
            assertFalse(defaults.contains(variable), variable + " rendered without its system configured");
        }
        Set<String> withoutCredentials = env(node(render("nats.servers=nats://nats:4222", "amqp.host=artemis")
                .one(StatefulSet.class, "chronon"))).keySet();
        for (String variable : List.of("QUARKUS_MESSAGING_NATS_CONNECTION_USERNAME",
                "QUARKUS_MESSAGING_NATS_CONNECTION_PASSWORD", "BANK_AMQP_USERNAME", "BANK_AMQP_PASSWORD")) {
            assertFalse(withoutCredentials.contains(variable), variable + " rendered without a value");
        }
    }

    private static void assertSecret(Container container, String variable, String secret, String key) {
        EnvVar reference = env(container).get(variable);
        assertNotNull(reference, "no " + variable);
        assertNull(reference.getValue(), variable + " must come from the Secret, not the values");
        assertEquals(secret, reference.getValueFrom().getSecretKeyRef().getName());
        assertEquals(key, reference.getValueFrom().getSecretKeyRef().getKey());
    }

    @Test
    void theNodeKeepsTheImagesJvmOptionsAndAddsJavaOptionsAfterThem() throws IOException {
        Matcher declared = Pattern.compile("(?m)^ENV JAVA_OPTS_APPEND=\"([^\"]*)\"$")
                .matcher(Files.readString(Helm.REPOSITORY.resolve("app/src/main/docker/Dockerfile.jvm")));
        assertTrue(declared.find(), "Dockerfile.jvm sets no JAVA_OPTS_APPEND");
        String image = declared.group(1);
        assertTrue(image.contains("-Djava.util.logging.manager=org.jboss.logmanager.LogManager"), image);
        assertEquals(image, value(node(render().one(StatefulSet.class, "chronon")), "JAVA_OPTS_APPEND"),
                "the container's JAVA_OPTS_APPEND replaces the image's: by default it is the image's");
        String added = value(node(render("javaOptions=-XX:MaxRAMPercentage=50 -Xss1m").one(StatefulSet.class,
                "chronon")), "JAVA_OPTS_APPEND");
        assertEquals(image + " -XX:MaxRAMPercentage=50 -Xss1m", added,
                "the image's options kept, javaOptions after them so that they override");
    }

    @Test
    void everyValueCarriesAComment() throws IOException {
        Pattern key = Pattern.compile("^( *)([A-Za-z][A-Za-z0-9]*):");
        Set<String> undocumented = new LinkedHashSet<>();
        Deque<DocumentedKey> parents = new ArrayDeque<>();
        boolean commentAbove = false;
        for (String line : Files.readAllLines(Helm.CHART.resolve("values.yaml"))) {
            if (line.strip().startsWith("#")) {
                commentAbove = true;
                continue;
            }
            Matcher match = key.matcher(line);
            if (match.find()) {
                int indent = match.group(1).length();
                while (!parents.isEmpty() && parents.peek().indent() >= indent) {
                    parents.pop();
                }
                String parent = parents.isEmpty() ? "" : parents.peek().path();
                // A key holding keys is a group, not a value: its keys are checked instead.
                undocumented.remove(parent);
                String path = parent.isEmpty() ? match.group(2) : parent + "." + match.group(2);
                boolean documented = commentAbove || !parents.isEmpty() && parents.peek().documented();
                if (!documented) {
                    undocumented.add(path);
                }
                parents.push(new DocumentedKey(indent, path, documented));
            }
            commentAbove = false;
        }
        assertEquals(Set.of(), undocumented, "values of values.yaml without a comment on them or on a value"
                + " holding them");
    }

    /** A key of values.yaml, and whether a comment documents it (directly or as part of a value holding it). */
    private record DocumentedKey(int indent, String path, boolean documented) {}

    @Test
    void theSchemaRefusesValuesOfTheWrongShape() {
        for (String wrong : List.of("persistence.size=lots", "service.port=70000", "image.pullPolicy=Sometimes",
                "podAntiAffinity=maybe", "mqtt.port=70000", "amqp.port=0")) {
            Helm.Run refused = Helm.template(RELEASE, wrong);
            assertNotEquals(0, refused.exit(), wrong + " rendered");
            assertTrue(refused.err().contains("schema"), refused.err());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void anOptionalServiceMonitorScrapesTheClientServicesMetrics() {
        assertTrue(render().all(GenericKubernetesResource.class).isEmpty(), "none by default");
        GenericKubernetesResource monitor = render("serviceMonitor.enabled=true")
                .only(GenericKubernetesResource.class);
        assertEquals("ServiceMonitor", monitor.getKind());
        Map<String, Object> spec = monitor.get("spec");
        assertEquals("/q/metrics", ((List<Map<String, Object>>) spec.get("endpoints")).getFirst().get("path"));
        Map<String, Object> selector = (Map<String, Object>) ((Map<String, Object>) spec.get("selector"))
                .get("matchLabels");
        assertEquals("api", selector.get("app.kubernetes.io/component"), "the client Service only, not both");
    }

    @Test
    void theDashboardIsOffUnlessEnabled() {
        assertNull(env(node(render().one(StatefulSet.class, "chronon"))).get("CHRONON_UI_ENABLED"));
        assertEquals("true", value(node(render("dashboard.enabled=true").one(StatefulSet.class, "chronon")),
                "CHRONON_UI_ENABLED"));
    }

    @Test
    void theReleaseNameNamesEveryObject() {
        Manifests objects = Manifests.parse(Helm.template("payments").succeeded().out());
        StatefulSet statefulSet = objects.one(StatefulSet.class, "payments-chronon");
        assertEquals("payments-chronon-headless", statefulSet.getSpec().getServiceName());
        objects.one(Service.class, "payments-chronon");
        objects.one(Secret.class, "payments-chronon");
    }
}
