package io.chronon.app;

import java.nio.charset.StandardCharsets;

import io.chronon.examples.bank.Statement;
import io.chronon.kernel.EffectId;

/** The message every broker sink publishes for one transfer: a small JSON object with its effect id. */
final class TransferJson {
    private TransferJson() {}

    static String of(EffectId id, Statement transfer) {
        return "{\"effectId\":\"" + id + "\",\"index\":" + transfer.index() + ",\"from\":" + quoted(transfer.from())
                + ",\"to\":" + quoted(transfer.to()) + ",\"amount\":" + transfer.amount() + "}";
    }

    static byte[] bytes(EffectId id, Statement transfer) {
        return of(id, transfer).getBytes(StandardCharsets.UTF_8);
    }

    /** A JSON string (account names are 1 to 256 characters of any kind). */
    private static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
