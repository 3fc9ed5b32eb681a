package io.chronon.examples.bank;

import java.util.SortedMap;

/** Results of the bank ledger. */
public sealed interface BankResult {
    /** A deposit or withdrawal: the account's new balance. */
    record Balance(String account, long balance) implements BankResult {}

    /** A transfer: both accounts' new balances. */
    record Transferred(String from, long fromBalance, String to, long toBalance) implements BankResult {}

    /** Every account with money, in account order. */
    record Balances(SortedMap<String, Long> balances) implements BankResult {}
}
