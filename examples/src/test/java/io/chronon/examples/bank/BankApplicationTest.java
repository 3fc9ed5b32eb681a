package io.chronon.examples.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;

import io.chronon.kernel.ApplyContext;
import io.chronon.kernel.Applied;
import io.chronon.kernel.Effect;
import org.junit.jupiter.api.Test;

class BankApplicationTest {
    private final BankApplication bank = new BankApplication();

    private static ApplyContext at(long index) {
        return new ApplyContext(index, 1, 0, new UUID(1, 1), index + 1, 3);
    }

    private Applied.Accepted<BankState, BankResult> accept(BankState state, BankCommand command, long index) {
        return assertInstanceOf(Applied.Accepted.class, bank.apply(state, command, at(index)));
    }

    private String rejection(BankState state, BankCommand command) {
        Applied.Rejected<BankState, BankResult> rejected =
                assertInstanceOf(Applied.Rejected.class, bank.apply(state, command, at(0)));
        return rejected.rejection().code();
    }

    @Test
    void depositsWithdrawalsAndTransfersMoveMoney() {
        BankState state = accept(bank.genesis(), new BankCommand.Deposit("alice", 100), 0).state();
        state = accept(state, new BankCommand.Withdraw("alice", 30), 1).state();
        Applied.Accepted<BankState, BankResult> transfer = accept(state, new BankCommand.Transfer("alice", "bob", 10), 2);
        assertEquals(new BankResult.Transferred("alice", 60, "bob", 10), transfer.result());
        state = transfer.state();
        assertEquals(new BankResult.Balance("alice", 60), bank.query(state, new BankQuery.Balance("alice")));
        assertEquals(new BankResult.Balances(new TreeMap<>(java.util.Map.of("alice", 60L, "bob", 10L))),
                bank.query(state, new BankQuery.Balances()));
        assertEquals(70, state.total());
    }

    @Test
    void everyTransferEmitsAStatementAndAMessage() {
        BankState state = accept(bank.genesis(), new BankCommand.Deposit("alice", 100), 0).state();
        List<Effect> effects = accept(state, new BankCommand.Transfer("alice", "bob", 25), 7).effects();
        assertEquals(List.of(Statement.STATEMENTS, Statement.TRANSFERS), effects.stream().map(Effect::sink).toList());
        Statement statement = Statement.decode(effects.getFirst().payload());
        assertEquals(new Statement(7, "alice", "bob", 25), statement);
        assertEquals(List.of(new Statement.Row(7, "alice", -25), new Statement.Row(7, "bob", 25)), statement.rows());
        assertEquals(List.of(), accept(state, new BankCommand.Deposit("bob", 1), 8).effects(),
                "only transfers have effects");
    }

    @Test
    void anOverdraftAndMalformedCommandsAreDeterministicRejections() {
        BankState state = accept(bank.genesis(), new BankCommand.Deposit("alice", 5), 0).state();
        assertEquals("insufficient-funds", rejection(state, new BankCommand.Withdraw("alice", 6)));
        assertEquals("insufficient-funds", rejection(state, new BankCommand.Transfer("alice", "bob", 6)));
        assertEquals("invalid-command", rejection(state, new BankCommand.Deposit("alice", 0)));
        assertEquals("invalid-command", rejection(state, new BankCommand.Deposit("alice", BankApplication.MAX_AMOUNT + 1)));
        assertEquals("invalid-command", rejection(state, new BankCommand.Transfer("alice", "alice", 1)));
        assertEquals("invalid-command", rejection(state, new BankCommand.Deposit("", 1)));
        BankState rich = new BankState(state.balances().put("rich", Long.MAX_VALUE - 1));
        assertEquals("balance-overflow", rejection(rich, new BankCommand.Deposit("rich", 2)));
    }

    @Test
    void everyMessageSurvivesItsCodecAndTheStateItsSnapshot() throws IOException {
        for (BankCommand command : List.of(new BankCommand.Deposit("a", 1), new BankCommand.Withdraw("b", 2),
                new BankCommand.Transfer("a", "b", 3))) {
            assertEquals(command, bank.commands().decode(bank.commands().encode(command)));
        }
        BankResult balances = new BankResult.Balances(new TreeMap<>(java.util.Map.of("a", 1L, "b", 2L)));
        assertEquals(balances, bank.results().decode(bank.results().encode(balances)));
        assertEquals(new BankQuery.Balances(), bank.queries().decode(bank.queries().encode(new BankQuery.Balances())));
        BankState state = bank.genesis();
        for (int i = 0; i < 50; i++) {
            state = state.with("account-" + i, i * 10L + 1);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        bank.writeSnapshot(state, out);
        assertEquals(state, bank.readSnapshot(new ByteArrayInputStream(out.toByteArray()), 1));
    }
}
