package io.tcpmesh.storage.collector;

import io.tcpmesh.storage.protocol.Message;

import java.util.Optional;

/**
 * Whether a HELLO may join at all, judged from the HELLO and its connection alone: every admission rule
 * that does not depend on the runs lives here (credentials would go here too).
 */
final class HelloCheck {
    private static final String NAME = "[A-Za-z0-9._-]{1,100}";

    /** Why this HELLO is refused, or empty when it may join. */
    Optional<String> refusal(Message.Hello hello, Connection from) {
        if (hello.agent() == null || !hello.agent().matches(NAME)) {
            return Optional.of("bad agent id '" + hello.agent() + "': letters, digits, '.', '_' and '-', at most 100");
        }
        if (hello.run() != null && !hello.run().matches(NAME)) {
            return Optional.of("bad run id '" + hello.run() + "'");
        }
        return Optional.empty();
    }
}
