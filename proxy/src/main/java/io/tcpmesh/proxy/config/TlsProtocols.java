package io.tcpmesh.proxy.config;

import io.tcpmesh.coordination.tls.TlsContexts;

import java.util.List;

/** The {@code "Protocols"} of {@code Tls} and {@code TargetTls}: a non-empty subset of TLSv1.3 and TLSv1.2. */
final class TlsProtocols {
    private TlsProtocols() {
    }

    /** The protocols, newest first; absent means both. */
    static List<String> check(List<String> protocols) {
        if (protocols == null) {
            return TlsContexts.PROTOCOLS;
        }
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("Protocols: list TLSv1.3, TLSv1.2 or both");
        }
        for (String p : protocols) {
            if (!TlsContexts.PROTOCOLS.contains(p)) {
                throw new IllegalArgumentException("Protocols: '" + p + "' is not supported; tcpmesh speaks only "
                        + String.join(" and ", TlsContexts.PROTOCOLS));
            }
        }
        return TlsContexts.PROTOCOLS.stream().filter(protocols::contains).toList();
    }
}
