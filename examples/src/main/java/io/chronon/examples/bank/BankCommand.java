package io.chronon.examples.bank;

import java.util.Objects;

/** A command of the bank ledger. Amounts are positive whole units, at most 2^53. */
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
