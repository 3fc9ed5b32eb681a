package io.chronon.engine;

/** A verified snapshot: its metadata, the SHA-256 of its body, and the body. */
public record Snapshot(SnapshotMeta meta, Hash bodyHash, byte[] body) {}
