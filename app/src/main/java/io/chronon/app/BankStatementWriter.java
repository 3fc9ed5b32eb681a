package io.chronon.app;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.chronon.examples.bank.Statement;
import io.chronon.quarkus.sink.PostgresEffect;
import io.chronon.quarkus.sink.PostgresEffectWriter;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The bank's {@code statements} effects in PostgreSQL: two {@code bank_statement} rows per transfer,
 * a debit and a credit, keyed by the effect id and the account. The sink calls it inside the
 * transaction that also claims the effect id, so each transfer's rows are written exactly once.
 */
@ApplicationScoped
public class BankStatementWriter implements PostgresEffectWriter {
    @Override
    public String effect() {
        return Statement.STATEMENTS;
    }

    @Override
    public List<String> schema() {
        return List.of("CREATE TABLE IF NOT EXISTS bank_statement (effect_id text NOT NULL, log_index bigint NOT NULL,"
                + " account text NOT NULL, delta bigint NOT NULL, PRIMARY KEY (effect_id, account))");
    }

    @Override
    public Uni<Void> write(PostgresEffect effect, SqlConnection transaction) {
        Statement statement = Statement.decode(effect.payload());
        List<Tuple> rows = statement.rows().stream()
                .map(row -> Tuple.of(effect.id().toString(), row.index(), row.account(), row.delta())).toList();
        return transaction.preparedQuery("INSERT INTO bank_statement (effect_id, log_index, account, delta)"
                + " VALUES ($1, $2, $3, $4)").executeBatch(rows).replaceWithVoid();
    }
}
