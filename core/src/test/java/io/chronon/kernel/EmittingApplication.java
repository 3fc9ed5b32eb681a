package io.chronon.kernel;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Commands are "emit N [sink]": N effects to the sink ("s" unless named), each payload
 * "index:ordinal". The state counts commands.
 */
public class EmittingApplication extends ExecutorTestSupport {
    @Override
    public Applied<Long, String> apply(Long state, String command, ApplyContext context) {
        String[] words = command.split(" ");
        int count = Integer.parseInt(words[1]);
        String sink = words.length > 2 ? words[2] : "s";
        List<Effect> effects = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            effects.add(new Effect(sink, (context.index() + ":" + i).getBytes(StandardCharsets.UTF_8)));
        }
        return Applied.accept(state + 1, "ok", effects);
    }
}
