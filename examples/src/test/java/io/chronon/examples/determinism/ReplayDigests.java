package io.chronon.examples.determinism;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import io.chronon.engine.Entry;
import io.chronon.engine.Hash;
import io.chronon.examples.bank.BankApplication;
import io.chronon.examples.bank.BankCommand;
import io.chronon.examples.kv.KvApplication;
import io.chronon.examples.kv.KvCommand;
import io.chronon.kernel.ChrApplication;
import io.chronon.kernel.Envelope;
import io.chronon.kernel.Executor;
import io.chronon.kernel.KernelSnapshot;

/**
 * Applies a seeded log to an application and prints its applied-state digest and full-state hash
 * every 100 entries: run in separate JVM processes, the outputs must be identical for a
 * deterministic application. Usage: {@code ReplayDigests bank|kv|set-of-trap SEED ENTRIES}.
 */
public final class ReplayDigests {
    private static final UUID CLUSTER = new UUID(0xD1, 0x6E);
    private static final String[] ACCOUNTS = {"alice", "bob", "carol", "dave", "erin", "frank", "grace"};

    private ReplayDigests() {
    }

    public static void main(String[] args) throws IOException {
        run(args[0], Long.parseLong(args[1]), Integer.parseInt(args[2])).forEach(System.out::println);
    }

    /** The lines {@link #main} prints. */
    static List<String> run(String application, long seed, int entries) throws IOException {
        return switch (application) {
            case "bank" -> replay(new BankApplication(), seed, entries, random -> bankCommand(random));
            case "kv" -> replay(new KvApplication(), seed, entries, random -> kvCommand(random));
            case "set-of-trap" -> replay(new SetOfTrapApplication(), seed, entries,
                    random -> ACCOUNTS[random.nextInt(ACCOUNTS.length)]);
            default -> throw new IllegalArgumentException("unknown application " + application);
        };
    }

    private interface Commands<C> {
        C next(SplittableRandom random);
    }

    static <S, C> List<String> replay(ChrApplication<S, C, ?, ?> application, long seed, int count,
                                      Commands<C> commands) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        Executor<S, C, ?, ?> executor = new Executor<>(application, 64, CLUSTER);
        List<String> lines = new ArrayList<>();
        Hash previous = Hash.ZERO;
        for (int index = 0; index < count; index++) {
            byte[] payload = Envelope.command(application.commands().encode(commands.next(random)));
            Entry entry = Entry.create(index, 1, 1_700_000_000_000_000_000L + index * 1_000_000L,
                    new UUID(5, random.nextInt(8)), index + 1, payload, previous);
            previous = entry.hash();
            executor.apply(entry);
            if (index % 100 == 99) {
                lines.add(index + " digest " + executor.digest().toHex() + " state " + stateHash(executor));
            }
        }
        return lines;
    }

    private static Hash stateHash(Executor<?, ?, ?, ?> executor) throws IOException {
        MessageDigest sha = Hash.newDigest();
        KernelSnapshot.write(executor.checkpoint(), executor.application(), new OutputStream() {
            @Override
            public void write(int b) {
                sha.update((byte) b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                sha.update(bytes, offset, length);
            }
        });
        return Hash.finish(sha);
    }

    private static BankCommand bankCommand(SplittableRandom random) {
        String account = ACCOUNTS[random.nextInt(ACCOUNTS.length)];
        long amount = 1 + random.nextInt(500);
        return switch (random.nextInt(3)) {
            case 0 -> new BankCommand.Deposit(account, amount);
            case 1 -> new BankCommand.Withdraw(account, amount);
            default -> new BankCommand.Transfer(account, ACCOUNTS[random.nextInt(ACCOUNTS.length)], amount);
        };
    }

    private static KvCommand kvCommand(SplittableRandom random) {
        String key = "k" + random.nextInt(20);
        String value = "v" + random.nextInt(1000);
        return random.nextBoolean() ? new KvCommand.Put(key, value)
                : new KvCommand.Cas(key, random.nextBoolean() ? null : "v" + random.nextInt(1000), value);
    }
}
