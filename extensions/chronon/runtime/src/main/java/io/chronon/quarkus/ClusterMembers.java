package io.chronon.quarkus;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.quarkus.runtime.LaunchMode;

/**
 * The replicas of the cluster as configured, checked before anything starts: 1, 3, 5 or 7 members,
 * this node's id among them, and its own entry's port the HTTP port it serves on.
 */
record ClusterMembers(List<String> addresses, int self) {
    private static final Pattern POD_NAME = Pattern.compile("(.+)-(\\d+)");

    static ClusterMembers from(ChrononConfig config, int httpPort) {
        if (config.discovery() == ChrononConfig.Discovery.STATEFULSET) {
            if (config.members().isPresent()) {
                throw new IllegalStateException("chronon.members is set, but chronon.discovery=statefulset derives the"
                        + " members from the StatefulSet: remove one of them");
            }
            return statefulSet(config.replicas(), config.service(), config.namespace(), config.podIndex(),
                    hostName(), httpPort);
        }
        return from(config.members(), config.nodeId(), httpPort);
    }

    private static String hostName() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "";
        }
    }

    /**
     * The members of a StatefulSet: pod {@code name-i} of the headless {@code service} is replica i,
     * reached at {@code name-i.service[.namespace.svc.cluster.local]:port}. This pod's ordinal comes from
     * {@code podIndex} or the suffix of its host name. Scaling the StatefulSet changes the replica count,
     * which the node then refuses to start with (see {@link MembershipRecord}): it is not a membership
     * change.
     */
    static ClusterMembers statefulSet(Optional<Integer> replicas, Optional<String> service, Optional<String> namespace,
                                      Optional<Integer> podIndex, String hostName, int httpPort) {
        int count = replicas.orElseThrow(() -> new IllegalStateException("chronon.discovery=statefulset needs the"
                + " replica count in CHRONON_REPLICAS (chronon.replicas); the Helm chart sets it from replicaCount"));
        if (count != 1 && count != 3 && count != 5 && count != 7) {
            throw new IllegalStateException("CHRONON_REPLICAS=" + count + ": a cluster has 1, 3, 5 or 7 replicas (an odd"
                    + " number, so that a majority exists); set the chart's replicaCount accordingly");
        }
        String headless = service.map(String::trim).filter(name -> !name.isEmpty()).orElseThrow(() ->
                new IllegalStateException("chronon.discovery=statefulset needs the headless Service's name in"
                        + " CHRONON_SERVICE (chronon.service)"));
        Matcher pod = POD_NAME.matcher(hostName);
        if (!pod.matches()) {
            throw new IllegalStateException("chronon.discovery=statefulset: the host name '" + hostName + "' is not a"
                    + " StatefulSet pod's (name-ordinal), so neither the StatefulSet's name nor this pod's ordinal is"
                    + " known");
        }
        int suffix = Integer.parseInt(pod.group(2));
        int ordinal = podIndex.orElse(suffix);
        if (ordinal != suffix) {
            throw new IllegalStateException("CHRONON_POD_INDEX=" + ordinal + " but the host name " + hostName
                    + " says ordinal " + suffix);
        }
        if (ordinal >= count) {
            throw new IllegalStateException("this pod has ordinal " + ordinal + " but CHRONON_REPLICAS=" + count
                    + ": scaling the StatefulSet is not a membership change, which Chronon does not support yet");
        }
        String domain = namespace.map(String::trim).filter(name -> !name.isEmpty())
                .map(name -> "." + headless + "." + name + ".svc.cluster.local").orElse("." + headless);
        List<String> addresses = new ArrayList<>();
        for (int id = 0; id < count; id++) {
            addresses.add(pod.group(1) + "-" + id + domain + ":" + httpPort);
        }
        return new ClusterMembers(List.copyOf(addresses), ordinal);
    }

    static ClusterMembers from(Optional<List<String>> configured, int self, int httpPort) {
        List<String> addresses = configured.orElse(List.of("localhost:" + httpPort)).stream()
                .map(String::trim).toList();
        int count = addresses.size();
        if (count != 1 && count != 3 && count != 5 && count != 7) {
            throw new IllegalStateException("chronon.members lists " + count + " replicas: a cluster has 1, 3, 5 or 7"
                    + " (an odd number, so that a majority exists)");
        }
        if (self < 0 || self >= count) {
            throw new IllegalStateException("chronon.node-id=" + self + " is not an index into chronon.members ("
                    + count + " entries, 0 to " + (count - 1) + ")");
        }
        for (String address : addresses) {
            port(address);
        }
        int ownPort = port(addresses.get(self));
        if (ownPort != httpPort) {
            throw new IllegalStateException("this node's entry in chronon.members is " + addresses.get(self)
                    + " but quarkus.http.port is " + httpPort + ": peers and clients would dial the wrong port");
        }
        return new ClusterMembers(List.copyOf(addresses), self);
    }

    /**
     * The members of an in-process dev cluster ({@code chronon.dev.replicas}): several replicas in this
     * process, each with its own data directory, talking through memory. Dev and test mode only.
     */
    static ClusterMembers inProcess(int replicas, LaunchMode mode) {
        if (mode != LaunchMode.DEVELOPMENT && mode != LaunchMode.TEST) {
            throw new IllegalStateException("chronon.dev.replicas=" + replicas + " runs an in-process cluster in dev"
                    + " and test mode only; a production cluster is one replica per process (chronon.members)");
        }
        if (replicas != 3 && replicas != 5 && replicas != 7) {
            throw new IllegalStateException("chronon.dev.replicas=" + replicas + ": a cluster has 1, 3, 5 or 7"
                    + " replicas");
        }
        List<String> addresses = new ArrayList<>();
        for (int id = 0; id < replicas; id++) {
            addresses.add("in-process-" + id);
        }
        return new ClusterMembers(List.copyOf(addresses), 0);
    }

    private static int port(String address) {
        int colon = address.lastIndexOf(':');
        try {
            if (colon <= 0) {
                throw new NumberFormatException();
            }
            int port = Integer.parseInt(address.substring(colon + 1));
            if (port < 1 || port > 65_535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalStateException("'" + address + "' is not host:port");
        }
    }

    /**
     * Where this node dials each replica: its address in {@code chronon.members}, unless
     * {@code chronon.dial-addresses} ({@code id=host:port,…}) names another.
     */
    List<String> dialAddresses(Optional<List<String>> overrides) {
        List<String> dial = new ArrayList<>(addresses);
        for (String override : overrides.orElse(List.of())) {
            int equals = override.indexOf('=');
            int id;
            try {
                id = Integer.parseInt(override.substring(0, Math.max(equals, 0)).trim());
            } catch (NumberFormatException e) {
                throw new IllegalStateException("chronon.dial-addresses entry '" + override + "' is not id=host:port");
            }
            if (id < 0 || id >= addresses.size()) {
                throw new IllegalStateException("chronon.dial-addresses names replica " + id + ", but chronon.members"
                        + " has replicas 0 to " + (addresses.size() - 1));
            }
            String address = override.substring(equals + 1).trim();
            port(address);
            dial.set(id, address);
        }
        return List.copyOf(dial);
    }

    int size() {
        return addresses.size();
    }
}
