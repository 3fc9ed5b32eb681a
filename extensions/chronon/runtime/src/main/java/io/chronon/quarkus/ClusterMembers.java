package io.chronon.quarkus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.quarkus.runtime.LaunchMode;

/**
 * The replicas of the cluster as configured, checked before anything starts: 1, 3, 5 or 7 members,
 * this node's id among them, and its own entry's port the HTTP port it serves on.
 */
record ClusterMembers(List<String> addresses, int self) {

    static ClusterMembers from(ChrononConfig config, int httpPort) {
        return from(config.members(), config.nodeId(), config.discovery(), httpPort);
    }

    static ClusterMembers from(Optional<List<String>> configured, int self, ChrononConfig.Discovery discovery,
                               int httpPort) {
        if (discovery != ChrononConfig.Discovery.STATIC) {
            throw new IllegalStateException("chronon.discovery=" + discovery.name().toLowerCase(Locale.ROOT)
                    + " is not supported by this build; use static with chronon.members");
        }
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
