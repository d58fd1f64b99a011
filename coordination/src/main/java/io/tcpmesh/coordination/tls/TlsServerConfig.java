package io.tcpmesh.coordination.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The server side of TLS: a PEM certificate chain, its PKCS#8 PEM key, optionally a CA bundle whose
 * client certificates are required (mutual TLS), and how long a handshake may take.
 */
public record TlsServerConfig(Path certificate, Path key, Optional<Path> clientCa, Duration handshakeTimeout) {
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    public TlsServerConfig {
        Objects.requireNonNull(certificate, "certificate cannot be null");
        Objects.requireNonNull(key, "key cannot be null");
        Objects.requireNonNull(clientCa, "clientCa cannot be null");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout cannot be null");
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("the TLS handshake timeout must be positive, not " + handshakeTimeout);
        }
    }

    public TlsServerConfig(Path certificate, Path key) {
        this(certificate, key, Optional.empty(), DEFAULT_HANDSHAKE_TIMEOUT);
    }

    public TlsServerConfig withClientCa(Path ca) {
        return new TlsServerConfig(certificate, key, Optional.of(ca), handshakeTimeout);
    }

    public TlsServerConfig withHandshakeTimeout(Duration timeout) {
        return new TlsServerConfig(certificate, key, clientCa, timeout);
    }

    public boolean mutual() {
        return clientCa.isPresent();
    }
}
