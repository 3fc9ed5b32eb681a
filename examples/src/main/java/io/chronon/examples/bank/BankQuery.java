package io.chronon.examples.bank;

import java.util.Objects;

/** A query of the bank ledger. */
public sealed interface BankQuery {
    record Balance(String account) implements BankQuery {
        public Balance {
            Objects.requireNonNull(account, "account");
        }
    }

    record Balances() implements BankQuery {}
}
