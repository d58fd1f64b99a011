package io.tcpmesh.storage.agent;

import io.tcpmesh.coordination.tls.TlsClient;
import io.tcpmesh.storage.protocol.AuthToken;

import java.util.Objects;
import java.util.Optional;

/** How the agent's link proves itself and protects its bytes: TLS (maybe with a client certificate) and a HELLO token. */
public record LinkSecurity(Optional<TlsClient> tls, Optional<AuthToken> token) {
    public static final LinkSecurity NONE = new LinkSecurity(Optional.empty(), Optional.empty());

    public LinkSecurity {
        Objects.requireNonNull(tls, "tls cannot be null");
        Objects.requireNonNull(token, "token cannot be null");
    }
}
