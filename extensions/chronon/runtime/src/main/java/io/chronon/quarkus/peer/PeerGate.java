package io.chronon.quarkus.peer;

import jakarta.inject.Singleton;

import io.chronon.engine.LogOptions;
import io.chronon.vsr.MessageCodec;

/**
 * Where the peer service finds the node it serves: set by the node when it starts, cleared when it
 * stops. Until then, peers are told to come back later.
 */
@Singleton
public class PeerGate {
    /** The frames replicas exchange (also between the replicas of an in-process dev cluster). */
    public static final MessageCodec WIRE = new MessageCodec(LogOptions.DEFAULTS.maxPayloadBytes());

    private volatile PeerHost host;
    private volatile PeerSecret secret = new PeerSecret(null);
    private volatile PeerCounters counters;

    public void open(PeerHost host, PeerSecret secret, PeerCounters counters) {
        this.secret = secret;
        this.counters = counters;
        this.host = host;
    }

    public void close() {
        host = null;
    }

    PeerHost host() {
        return host;
    }

    PeerSecret secret() {
        return secret;
    }

    PeerCounters counters() {
        return counters;
    }
}
