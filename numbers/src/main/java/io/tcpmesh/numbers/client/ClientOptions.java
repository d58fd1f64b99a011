package io.tcpmesh.numbers.client;

import io.tcpmesh.numbers.codec.Protocol;
import io.tcpmesh.numbers.codec.Variant;

import java.time.Duration;
import java.util.Objects;

/**
 * What a client asks for and how it retries.
 *
 * @param variant     stateful or stateless
 * @param clientId    the session's id (a UUID unless given)
 * @param count       how many messages, 1..65535
 * @param backoff     first wait after a failed connection
 * @param maxBackoff  longest wait
 * @param giveUp      stop after this long without receiving anything
 * @param readTimeout a connection silent this long is given up and another made
 */
public record ClientOptions(Variant variant, String clientId, int count, Duration backoff, Duration maxBackoff,
                            Duration giveUp, Duration readTimeout) {
    public ClientOptions {
        Objects.requireNonNull(variant, "variant cannot be null");
        if (!Protocol.validClientId(clientId)) {
            throw new IllegalArgumentException("--client-id must be 1 to 64 letters, digits, '.', '_' or '-', not '" + clientId + "'");
        }
        if (count < 1 || count > Protocol.MAX_COUNT) {
            throw new IllegalArgumentException("--count must be in 1.." + Protocol.MAX_COUNT + ", not " + count);
        }
        if (backoff.toMillis() < 1) {
            throw new IllegalArgumentException("--backoff must be at least 1ms, not " + backoff.toMillis() + " ms");
        }
        if (maxBackoff.compareTo(backoff) < 0) {
            throw new IllegalArgumentException("--max-backoff (" + maxBackoff.toMillis() + " ms) cannot be shorter than --backoff ("
                    + backoff.toMillis() + " ms)");
        }
        if (giveUp.toMillis() < 1) {
            throw new IllegalArgumentException("--give-up must be positive");
        }
        if (readTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("--read-timeout must be positive");
        }
    }
}
