package io.chronon.client;

/**
 * A command of a batch that the node answered with neither a result nor a rejection (for example a
 * malformed command): it was not applied.
 *
 * @param error the node's error message, or the raw answer if it had none
 */
public record CommandFailure(String error) implements CommandOutcome {
}
