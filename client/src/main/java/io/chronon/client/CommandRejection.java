package io.chronon.client;

/**
 * A command of a batch that the application rejected deterministically (the batch counterpart of a
 * {@link RejectedException}). The rejection is itself committed at {@code index}, so retrying the
 * same command gets the same answer.
 *
 * @param index     the log index the command was committed at
 * @param view      the view in which it was committed
 * @param rejection the application's rejection, as JSON text
 */
public record CommandRejection(long index, long view, String rejection) implements CommandOutcome {
}
