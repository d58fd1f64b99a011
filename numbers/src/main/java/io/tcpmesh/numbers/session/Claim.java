package io.tcpmesh.numbers.session;

import io.tcpmesh.numbers.store.SessionRecord;

/**
 * A stateful session this server now streams: the record as written, its version, and the token that
 * tells this connection's claim from a later one for the same client on the same server.
 */
public record Claim(String clientId, SessionRecord record, int version, Object token) {
}
