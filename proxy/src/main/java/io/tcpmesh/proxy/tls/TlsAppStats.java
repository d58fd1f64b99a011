package io.tcpmesh.proxy.tls;

import io.tcpmesh.coordination.tls.TlsFailure;
import io.tcpmesh.coordination.tls.TlsStats;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One app's TLS handshakes at one moment, on one side: {@code clients} (the proxy terminates TLS, {@code Tls})
 * or {@code targets} (the proxy speaks TLS to its targets, {@code TargetTls}).
 *
 * @param started   handshakes begun
 * @param completed completed handshakes by TLS version ({@code TLSv1.3}, {@code TLSv1.2})
 * @param failed    failed handshakes by reason ({@code timeout}, {@code not_tls}, {@code protocol_version},
 *                  {@code certificate}, {@code peer_alert}, {@code peer_closed}, {@code handshake})
 */
public record TlsAppStats(String app, String side, long started, Map<String, Long> completed, Map<String, Long> failed) {
    public static final String CLIENTS = "clients";
    public static final String TARGETS = "targets";

    public TlsAppStats {
        completed = Collections.unmodifiableMap(new LinkedHashMap<>(completed));
        failed = Collections.unmodifiableMap(new LinkedHashMap<>(failed));
    }

    static TlsAppStats of(String app, String side, TlsStats stats) {
        Map<String, Long> failed = new LinkedHashMap<>();
        for (TlsFailure reason : TlsFailure.values()) {
            failed.put(reason.label(), stats.failures(reason));
        }
        return new TlsAppStats(app, side, stats.started(), stats.completed(), failed);
    }

    public long completedTotal() {
        return completed.values().stream().mapToLong(Long::longValue).sum();
    }

    public long failedTotal() {
        return failed.values().stream().mapToLong(Long::longValue).sum();
    }
}
