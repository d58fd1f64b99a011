package io.tcpmesh.coordination.tls;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import java.util.Locale;

/** Why a TLS handshake did not complete; the names are the labels in logs, /stats and /metrics. */
public enum TlsFailure {
    /** The handshake did not finish within the deadline (silent or slow peer, half a ClientHello). */
    TIMEOUT,
    /** The peer's first bytes are not a TLS record (a plaintext client on a TLS port). */
    NOT_TLS,
    /** No protocol version both sides allow (tcpmesh allows only TLS 1.3 and 1.2). */
    PROTOCOL_VERSION,
    /** The peer's certificate was missing, untrusted, expired or for another name. */
    CERTIFICATE,
    /** The peer sent a fatal alert, such as an unknown CA or bad certificate for ours. */
    PEER_ALERT,
    /** The peer closed the connection before the handshake finished. */
    PEER_CLOSED,
    /** Any other handshake error (no common cipher suite, malformed message). */
    HANDSHAKE;

    /** The label used in logs and metrics: {@code not_tls}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Classifies what the JDK's engine threw. */
    static TlsFailure of(SSLException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("unrecognized ssl message") || message.contains("unsupported or unrecognized")
                || message.contains("plaintext")) {
            return NOT_TLS;
        }
        if (message.contains("protocol_version") || message.contains("protocol version")
                || message.contains("no appropriate protocol") || message.contains("client requested protocol")) {
            return PROTOCOL_VERSION;
        }
        if (message.contains("received fatal alert")) {
            return PEER_ALERT;
        }
        if (message.contains("certificate") || message.contains("pkix") || message.contains("no subject alternative")) {
            return CERTIFICATE;
        }
        return e instanceof SSLHandshakeException ? HANDSHAKE : HANDSHAKE;
    }
}
