package io.chronon.examples.bank;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

import io.chronon.kernel.ApplyContext;
import io.chronon.kernel.Applied;
import io.chronon.kernel.ChrApplication;
import io.chronon.kernel.Codec;
import io.chronon.kernel.Effect;
import io.chronon.kernel.PersistentMap;

/**
 * The bank ledger: deposits, withdrawals and transfers between named accounts. An overdraft is a
 * deterministic rejection. Every transfer emits exactly two effects: a {@code statements} effect
 * (two {@code bank_statement} rows, a debit and a credit) and a {@code transfers} message, both
 * carrying the transfer and its log index; the kernel adds the effect id.
 */
public final class BankApplication implements ChrApplication<BankState, BankCommand, BankQuery, BankResult> {
    /** The largest amount one command may move: 2^53, the largest integer a JSON number carries exactly. */
    public static final long MAX_AMOUNT = 1L << 53;
    /** The longest account name, in characters. */
    public static final int MAX_ACCOUNT_LENGTH = 256;

    @Override
    public BankState genesis() {
        return BankState.EMPTY;
    }

    @Override
    public Applied<BankState, BankResult> apply(BankState state, BankCommand command, ApplyContext context) {
        String invalid = invalid(command);
        if (invalid != null) {
            return Applied.reject("invalid-command", invalid);
        }
        return switch (command) {
            case BankCommand.Deposit deposit -> {
                long balance = state.balance(deposit.account());
                if (balance > Long.MAX_VALUE - deposit.amount()) {
                    yield Applied.reject("balance-overflow", "the balance of " + deposit.account() + " would overflow");
                }
                yield Applied.accept(state.with(deposit.account(), balance + deposit.amount()),
                        new BankResult.Balance(deposit.account(), balance + deposit.amount()));
            }
            case BankCommand.Withdraw withdraw -> {
                long balance = state.balance(withdraw.account());
                if (balance < withdraw.amount()) {
                    yield Applied.reject("insufficient-funds", withdraw.account() + " holds " + balance
                            + ", less than " + withdraw.amount());
                }
                yield Applied.accept(state.with(withdraw.account(), balance - withdraw.amount()),
                        new BankResult.Balance(withdraw.account(), balance - withdraw.amount()));
            }
            case BankCommand.Transfer transfer -> transfer(state, transfer, context.index());
        };
    }

    private static Applied<BankState, BankResult> transfer(BankState state, BankCommand.Transfer transfer, long index) {
        long from = state.balance(transfer.from());
        long to = state.balance(transfer.to());
        if (from < transfer.amount()) {
            return Applied.reject("insufficient-funds", transfer.from() + " holds " + from + ", less than "
                    + transfer.amount());
        }
        if (to > Long.MAX_VALUE - transfer.amount()) {
            return Applied.reject("balance-overflow", "the balance of " + transfer.to() + " would overflow");
        }
        BankState next = state.with(transfer.from(), from - transfer.amount()).with(transfer.to(), to + transfer.amount());
        byte[] statement = new Statement(index, transfer.from(), transfer.to(), transfer.amount()).encode();
        return Applied.accept(next,
                new BankResult.Transferred(transfer.from(), from - transfer.amount(), transfer.to(), to + transfer.amount()),
                List.of(new Effect(Statement.STATEMENTS, statement), new Effect(Statement.TRANSFERS, statement)));
    }

    /** Why a command is malformed, or null if it is not. */
    private static String invalid(BankCommand command) {
        long amount = switch (command) {
            case BankCommand.Deposit deposit -> deposit.amount();
            case BankCommand.Withdraw withdraw -> withdraw.amount();
            case BankCommand.Transfer transfer -> transfer.amount();
        };
        if (amount < 1 || amount > MAX_AMOUNT) {
            return "the amount must be a whole number from 1 to 2^53, not " + amount;
        }
        List<String> accounts = switch (command) {
            case BankCommand.Deposit deposit -> List.of(deposit.account());
            case BankCommand.Withdraw withdraw -> List.of(withdraw.account());
            case BankCommand.Transfer transfer -> List.of(transfer.from(), transfer.to());
        };
        for (String account : accounts) {
            if (account.isEmpty() || account.length() > MAX_ACCOUNT_LENGTH) {
                return "an account name has 1 to " + MAX_ACCOUNT_LENGTH + " characters";
            }
        }
        if (command instanceof BankCommand.Transfer transfer && transfer.from().equals(transfer.to())) {
            return "a transfer moves money between two different accounts";
        }
        return null;
    }

    /** {@code {"balances":{"alice":70,"bob":30}}}, accounts in order. */
    @Override
    public Object view(BankState state) {
        return Map.of("balances", state.balances().toSortedMap());
    }

    @Override
    public BankResult query(BankState state, BankQuery query) {
        return switch (query) {
            case BankQuery.Balance balance -> new BankResult.Balance(balance.account(), state.balance(balance.account()));
            case BankQuery.Balances balances -> new BankResult.Balances(state.balances().toSortedMap());
        };
    }

    @Override
    public Codec<BankCommand> commands() {
        return BankCodec.COMMANDS;
    }

    @Override
    public Codec<BankQuery> queries() {
        return BankCodec.QUERIES;
    }

    @Override
    public Codec<BankResult> results() {
        return BankCodec.RESULTS;
    }

    @Override
    public int snapshotSchemaVersion() {
        return 1;
    }

    @Override
    public void writeSnapshot(BankState state, OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(state.balances().size());
        for (Map.Entry<String, Long> entry : state.balances()) {
            data.writeUTF(entry.getKey());
            data.writeLong(entry.getValue());
        }
        data.flush();
    }

    @Override
    public BankState readSnapshot(InputStream in, int schemaVersion) throws IOException {
        if (schemaVersion != 1) {
            throw new IOException("bank snapshot schema " + schemaVersion + " is unknown; this version reads 1");
        }
        DataInputStream data = new DataInputStream(in);
        int count = data.readInt();
        PersistentMap<String, Long> balances = PersistentMap.empty();
        for (int i = 0; i < count; i++) {
            balances = balances.put(data.readUTF(), data.readLong());
        }
        return new BankState(balances);
    }
}
