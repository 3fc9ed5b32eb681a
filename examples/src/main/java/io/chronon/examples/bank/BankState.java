package io.chronon.examples.bank;

import java.util.Map;

import io.chronon.kernel.PersistentMap;

/** The ledger: every account's balance, in account order. Immutable. */
public record BankState(PersistentMap<String, Long> balances) {
    public static final BankState EMPTY = new BankState(PersistentMap.empty());

    public long balance(String account) {
        return balances.getOrDefault(account, 0L);
    }

    public BankState with(String account, long balance) {
        return new BankState(balance == 0 ? balances.remove(account) : balances.put(account, balance));
    }

    /** All the money in the bank. */
    public long total() {
        long total = 0;
        for (Map.Entry<String, Long> entry : balances) {
            total = Math.addExact(total, entry.getValue());
        }
        return total;
    }
}
