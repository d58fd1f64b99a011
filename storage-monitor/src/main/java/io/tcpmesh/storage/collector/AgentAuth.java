package io.tcpmesh.storage.collector;

import io.tcpmesh.coordination.tls.TlsFilter;
import io.tcpmesh.storage.protocol.AuthToken;
import io.tcpmesh.storage.protocol.Message;
import org.apache.mina.core.session.IoSession;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may send to the collector: with {@code --tls-client-ca}, only agents whose TLS client certificate
 * chains to it (the handshake refuses the others; this checks again); with {@code --auth-token-file}, only
 * agents whose HELLO carries the same token. Each configured check must pass; with neither, everyone may.
 */
public record AgentAuth(boolean clientCertificate, Optional<AuthToken> token) {
    public static final AgentAuth OPEN = new AgentAuth(false, Optional.empty());

    public AgentAuth {
        Objects.requireNonNull(token, "token cannot be null");
    }

    /** Why the first message of a session is refused, or null when the agent may go on. */
    String refusal(IoSession session, Message first) {
        if (clientCertificate && !hasClientCertificate(session)) {
            return "authentication failed: no verified TLS client certificate";
        }
        if (token.isPresent()) {
            if (!(first instanceof Message.Hello hello)) {
                return "authentication failed: the first message must be HELLO with the token";
            }
            if (!token.get().matches(hello.token())) {
                return hello.token() == null ? "authentication failed: HELLO carries no token" : "authentication failed: wrong token";
            }
        }
        return null;
    }

    private static boolean hasClientCertificate(IoSession session) {
        SSLSession tls = TlsFilter.tlsSession(session);
        try {
            return tls != null && tls.getPeerCertificates().length > 0;
        } catch (SSLPeerUnverifiedException e) {
            return false;
        }
    }
}
