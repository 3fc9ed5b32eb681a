package io.chronon.examples.bank;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A command of the bank ledger. Amounts are positive whole units, at most 2^53. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = BankCommand.Deposit.class, name = "deposit"),
        @JsonSubTypes.Type(value = BankCommand.Withdraw.class, name = "withdraw"),
        @JsonSubTypes.Type(value = BankCommand.Transfer.class, name = "transfer")
})
public sealed interface BankCommand {
    record Deposit(String account, long amount) implements BankCommand {
        public Deposit {
            Objects.requireNonNull(account, "account");
        }
    }

    record Withdraw(String account, long amount) implements BankCommand {
        public Withdraw {
            Objects.requireNonNull(account, "account");
        }
    }

    /** Moves money between two accounts; emits a statement (two rows) and a transfer message. */
    record Transfer(String from, String to, long amount) implements BankCommand {
        public Transfer {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }
    }
}
