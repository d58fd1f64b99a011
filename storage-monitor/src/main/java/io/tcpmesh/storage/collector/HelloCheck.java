package io.tcpmesh.storage.collector;

import io.tcpmesh.coordination.LogText;
import io.tcpmesh.storage.protocol.Message;
import io.tcpmesh.storage.protocol.Names;

import java.util.Optional;

/**
 * Whether a HELLO may join at all, judged from the HELLO and its connection alone: every admission rule
 * that does not depend on the runs lives here (credentials would go here too).
 */
final class HelloCheck {
    /** Why this HELLO is refused, or empty when it may join. */
    Optional<String> refusal(Message.Hello hello, Connection from) {
        if (!Names.valid(hello.agent())) {
            return Optional.of("bad agent id " + LogText.quote(hello.agent()) + ": " + Names.RULE);
        }
        if (hello.run() != null && !Names.valid(hello.run())) {
            return Optional.of("bad run name " + LogText.quote(hello.run()) + ": " + Names.RULE);
        }
        return Optional.empty();
    }
}
