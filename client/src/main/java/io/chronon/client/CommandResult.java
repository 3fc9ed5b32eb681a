package io.chronon.client;

/**
 * A command that was committed and applied.
 *
 * @param index  the log index the command was committed at
 * @param view   the view in which it was committed
 * @param result the application's result, as JSON text
 */
public record CommandResult(long index, long view, String result) implements CommandOutcome {
}
