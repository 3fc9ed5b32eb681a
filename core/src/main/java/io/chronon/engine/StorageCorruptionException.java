package io.chronon.engine;

/**
 * A file that must be intact is not: a manifest or snapshot failed its checksum or is malformed.
 * The message names the file and what failed.
 */
public final class StorageCorruptionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageCorruptionException(String message) {
        super(message);
    }
}
