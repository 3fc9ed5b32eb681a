package io.chronon.chaos;

import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chronon.client.ChrononClient;
import io.chronon.client.OutcomeUnknownException;
import io.chronon.client.StaleRequestException;
import io.chronon.client.UnavailableException;
import io.chronon.client.UnexpectedResponseException;
import io.chronon.testkit.History;

/**
 * Register operations on a few keys of the key-value application: puts of unique values,
 * compare-and-sets that expect a value some client may have written, and linearizable reads. Inputs
 * and outputs are recorded as the application's own JSON, which {@link KvLinearizability} reads back.
 */
final class KvWorkload extends ClientWorkload {
    static final int KEYS = 6;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AtomicLong values = new AtomicLong();

    @Override
    void operate(ChrononClient client, int process, Random random, History history) throws InterruptedException {
        String key = "k" + random.nextInt(KEYS);
        ObjectNode input = JSON.createObjectNode().put("key", key);
        String operation = switch (random.nextInt(3)) {
            case 0 -> {
                input.put("value", "v" + values.incrementAndGet());
                yield "put";
            }
            case 1 -> {
                long earlier = values.get();
                if (earlier == 0 || random.nextInt(4) == 0) {
                    input.putNull("expected");
                } else {
                    input.put("expected", "v" + (1 + random.nextLong(earlier)));
                }
                input.put("value", "v" + values.incrementAndGet());
                yield "cas";
            }
            default -> "get";
        };
        History.Pending pending = history.invoke(process, operation, input.toString());
        try {
            if (operation.equals("get")) {
                pending.ok(client.query("{\"type\":\"get\",\"key\":\"" + key + "\"}").result());
            } else {
                ObjectNode command = input.deepCopy().put("type", operation);
                pending.ok(client.submit(command.toString()).result());
            }
        } catch (UnavailableException | StaleRequestException notDone) {
            pending.fail(notDone.getMessage());
        } catch (OutcomeUnknownException | UnexpectedResponseException unknown) {
            pending.unknown(unknown.getMessage());
        }
    }
}
