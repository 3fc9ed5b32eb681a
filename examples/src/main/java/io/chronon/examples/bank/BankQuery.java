package io.chronon.examples.bank;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A query of the bank ledger. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = BankQuery.Balance.class, name = "balance"),
        @JsonSubTypes.Type(value = BankQuery.Balances.class, name = "balances")
})
public sealed interface BankQuery {
    record Balance(String account) implements BankQuery {
        public Balance {
            Objects.requireNonNull(account, "account");
        }
    }

    record Balances() implements BankQuery {}
}
