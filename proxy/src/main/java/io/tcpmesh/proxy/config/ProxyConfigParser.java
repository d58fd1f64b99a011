package io.tcpmesh.proxy.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tcpmesh.coordination.bootstrap.Durations;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the JSON configuration. Keys are PascalCase as in the original exercise; an unknown key is an error
 * with a "did you mean" hint, and every error names the source, the app and the key.
 */
public final class ProxyConfigParser {
    static final Set<String> TOP_KEYS = Set.of("Apps", "MaxConnections");
    static final Set<String> APP_KEYS = Set.of("Name", "Ports", "Targets", "Balancing", "ConnectTimeout",
            "IdleTimeout", "MaxConnections", "ResponseTimeout", "RetryOnNoResponse", "MaxConnectionsPerSource", "StallTimeout",
            "MaxBandwidthPerConnection", "Tls", "TargetTls");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProxyConfigParser() {
    }

    public static ProxyConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        Path parent = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), parent == null ? Path.of("") : parent);
    }

    /** Parses a configuration, relative file names against the working folder. */
    public static ProxyConfig parse(String json, String source) {
        return parse(json, source, Path.of(""));
    }

    /**
     * Parses a configuration and loads the TLS files it names (relative names resolved against {@code base});
     * throws {@link ConfigException} naming {@code source}, the app, the key and the problem.
     */
    public static ProxyConfig parse(String json, String source, Path base) {
        try {
            return parse(JSON.readTree(json), base);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source + ": " + e.getMessage());
        }
    }

    private static ProxyConfig parse(JsonNode root, Path base) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the configuration must be a JSON object with an \"Apps\" list");
        }
        checkKeys(root, TOP_KEYS, "");
        JsonNode apps = root.get("Apps");
        if (apps == null || !apps.isArray()) {
            throw new IllegalArgumentException("key 'Apps': missing or not a list");
        }
        List<AppConfig> list = new ArrayList<>();
        for (int i = 0; i < apps.size(); i++) {
            list.add(app(apps.get(i), i, base));
        }
        int max = integer(root.get("MaxConnections"), "key 'MaxConnections'", ProxyConfig.DEFAULT_MAX_CONNECTIONS);
        return new ProxyConfig(list, max);
    }

    private static AppConfig app(JsonNode node, int index, Path base) {
        String where = "app #" + (index + 1);
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + ": not a JSON object");
        }
        JsonNode name = node.get("Name");
        if (name != null && name.isTextual()) {
            where = "app '" + name.asText() + "'";
        }
        checkKeys(node, APP_KEYS, where + ": ");
        String prefix = where + ": key ";
        try {
            if (name == null || !name.isTextual()) {
                throw new IllegalArgumentException("'Name': missing or not a string");
            }
            List<Integer> ports = new ArrayList<>();
            for (JsonNode p : array(node, "Ports")) {
                ports.add(integer(p, "'Ports'", 0));
            }
            List<TargetSpec> targets = new ArrayList<>();
            for (JsonNode t : array(node, "Targets")) {
                if (!t.isTextual()) {
                    throw new IllegalArgumentException("'Targets': " + t + " is not a string");
                }
                try {
                    targets.add(TargetSpec.parse(t.asText()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("'Targets': " + e.getMessage());
                }
            }
            Balancing balancing = null;
            if (node.has("Balancing")) {
                try {
                    balancing = Balancing.parse(node.get("Balancing").asText());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("'Balancing': " + e.getMessage());
                }
            }
            Duration connect = duration(node.get("ConnectTimeout"), "'ConnectTimeout'");
            Duration idle = duration(node.get("IdleTimeout"), "'IdleTimeout'");
            int max = integer(node.get("MaxConnections"), "'MaxConnections'", 0);
            Duration response = duration(node.get("ResponseTimeout"), "'ResponseTimeout'");
            boolean retry = bool(node.get("RetryOnNoResponse"), "'RetryOnNoResponse'");
            int perSource = integer(node.get("MaxConnectionsPerSource"), "'MaxConnectionsPerSource'", 0);
            long bandwidth = longInteger(node.get("MaxBandwidthPerConnection"), "'MaxBandwidthPerConnection'");
            Duration stall = duration(node.get("StallTimeout"), "'StallTimeout'");
            Optional<TlsTermination> tls = TlsConfigParser.tls(node, base);
            Optional<TargetTls> targetTls = TlsConfigParser.targetTls(node, base);
            try {
                return new AppConfig(name.asText(), ports, targets, balancing, connect, idle, max, response, retry,
                        perSource, bandwidth, stall, tls, targetTls);
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                int space = m.indexOf(' ');
                String key = space > 0 ? m.substring(0, space).replace(":", "") : "";
                throw new IllegalArgumentException(APP_KEYS.contains(key) ? "'" + key + "': " + m.substring(space + 1) : m);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + e.getMessage());
        }
    }

    private static JsonNode array(JsonNode app, String key) {
        JsonNode n = app.get(key);
        if (n == null || !n.isArray()) {
            throw new IllegalArgumentException("'" + key + "': missing or not a list");
        }
        return n;
    }

    private static int integer(JsonNode n, String what, int absent) {
        if (n == null) {
            return absent;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new IllegalArgumentException(what + ": " + n + " is not a whole number");
        }
        return n.intValue();
    }

    private static boolean bool(JsonNode n, String what) {
        if (n == null) {
            return false;
        }
        if (!n.isBoolean()) {
            throw new IllegalArgumentException(what + ": " + n + " is not true or false");
        }
        return n.booleanValue();
    }

    private static long longInteger(JsonNode n, String what) {
        if (n == null) {
            return 0;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new IllegalArgumentException(what + ": " + n + " is not a whole number of bytes per second");
        }
        return n.longValue();
    }

    /** A duration as text ({@code "2s"}, {@code "500ms"}) or a number of milliseconds. */
    static Duration duration(JsonNode n, String what) {
        if (n == null) {
            return null;
        }
        if (n.isIntegralNumber()) {
            return Duration.ofMillis(n.longValue());
        }
        try {
            return Durations.parse(n.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage());
        }
    }

    static void checkKeys(JsonNode node, Set<String> known, String where) {
        for (Iterator<String> it = ((ObjectNode) node).fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                String hint = closest(key, known);
                throw new IllegalArgumentException(where + "key '" + key + "': unknown key"
                        + (hint == null ? "; known keys: " + String.join(", ", known.stream().sorted().toList())
                        : " (did you mean '" + hint + "'?)"));
            }
        }
    }

    static String closest(String key, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = k.equalsIgnoreCase(key) ? 0 : distance(key.toLowerCase(), k.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        if (best != null && bestDistance <= Math.max(2, key.length() / 3)) {
            return best;
        }
        for (String k : known) {
            if (key.length() >= 5 && k.toLowerCase().startsWith(key.substring(0, 5).toLowerCase())) {
                return k; // a word cut short or extended: "Balance" for "Balancing"
            }
        }
        return null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
