package io.chronon.client;

/**
 * What became of one command of a batch. A batch is answered command by command, so one command's
 * rejection or failure does not hide the others' results; a switch over the three cases handles them
 * all.
 */
public sealed interface CommandOutcome permits CommandResult, CommandRejection, CommandFailure {
}
