package io.tcpmesh.proxy.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads an app's {@code "Tls"} and {@code "TargetTls"} objects and loads their files. Relative file names are
 * resolved against the configuration file's folder. Errors name the key and the file.
 */
final class TlsConfigParser {
    static final Set<String> TLS_KEYS = Set.of("Certificate", "Key", "ClientCa", "HandshakeTimeout", "Protocols");
    static final Set<String> TARGET_TLS_KEYS = Set.of("Ca", "ServerName", "HandshakeTimeout", "Protocols");

    private TlsConfigParser() {
    }

    static Optional<TlsTermination> tls(JsonNode app, Path base) {
        JsonNode n = app.get("Tls");
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        try {
            object(n);
            ProxyConfigParser.checkKeys(n, TLS_KEYS, "");
            return Optional.of(TlsTermination.load(file(n, "Certificate", base), file(n, "Key", base),
                    optionalFile(n, "ClientCa", base), ProxyConfigParser.duration(n.get("HandshakeTimeout"), "'HandshakeTimeout'"),
                    protocols(n)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'Tls': " + e.getMessage());
        }
    }

    static Optional<TargetTls> targetTls(JsonNode app, Path base) {
        JsonNode n = app.get("TargetTls");
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        try {
            object(n);
            ProxyConfigParser.checkKeys(n, TARGET_TLS_KEYS, "");
            JsonNode name = n.get("ServerName");
            if (name != null && !name.isTextual()) {
                throw new IllegalArgumentException("'ServerName': " + name + " is not a string");
            }
            return Optional.of(TargetTls.load(file(n, "Ca", base), Optional.ofNullable(name).map(JsonNode::asText),
                    ProxyConfigParser.duration(n.get("HandshakeTimeout"), "'HandshakeTimeout'"), protocols(n)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'TargetTls': " + e.getMessage());
        }
    }

    private static void object(JsonNode n) {
        if (!n.isObject()) {
            throw new IllegalArgumentException(n + " is not a JSON object");
        }
    }

    private static Path file(JsonNode n, String key, Path base) {
        JsonNode f = n.get(key);
        if (f == null || !f.isTextual() || f.asText().isBlank()) {
            throw new IllegalArgumentException("'" + key + "': missing or not a file name");
        }
        return base.resolve(f.asText()).normalize();
    }

    private static Optional<Path> optionalFile(JsonNode n, String key, Path base) {
        return n.has(key) && !n.get(key).isNull() ? Optional.of(file(n, key, base)) : Optional.empty();
    }

    private static List<String> protocols(JsonNode n) {
        JsonNode p = n.get("Protocols");
        if (p == null || p.isNull()) {
            return null;
        }
        if (!p.isArray()) {
            throw new IllegalArgumentException("'Protocols': " + p + " is not a list");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode v : p) {
            if (!v.isTextual()) {
                throw new IllegalArgumentException("'Protocols': " + v + " is not a string");
            }
            out.add(v.asText());
        }
        return out;
    }
}
