package io.chronon.client;

/**
 * The answer to a query.
 *
 * @param index  the applied index the query was answered at: the state reflects every command up to
 *               and including it
 * @param result the application's result, as JSON text
 */
public record QueryResult(long index, String result) {
}
