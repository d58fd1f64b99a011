package io.tcpmesh.proxy.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The listening ports of a proxy configuration file in the fly.io format
 * ({@code {"Apps":[{"Name":"a","Ports":[8000,8001],"Targets":["host:port"]}]}}). Only {@code Apps[].Ports}
 * is read; other keys are ignored, so the proxy may add its own.
 */
public final class ProxyConfigPorts {
    private ProxyConfigPorts() {
    }

    public static List<Integer> read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            // getMessage() would append Jackson's "[Source: REDACTED (StreamReadFeature...)" location line
            throw new IllegalArgumentException("--config " + file + " cannot be read as JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()));
        } catch (IOException e) {
            throw new IllegalArgumentException("--config " + file + " cannot be read: " + e.getMessage());
        }
        return parse(root, file.toString());
    }

    static List<Integer> parse(JsonNode root, String name) {
        JsonNode apps = root == null ? null : root.get("Apps");
        if (apps == null || !apps.isArray()) {
            throw new IllegalArgumentException("--config " + name + " has no \"Apps\" array");
        }
        TreeSet<Integer> ports = new TreeSet<>();
        for (JsonNode app : apps) {
            JsonNode list = app.get("Ports");
            if (list == null || !list.isArray()) {
                continue;
            }
            for (JsonNode port : list) {
                if (!port.canConvertToInt() || port.asInt() < 1 || port.asInt() > 65535) {
                    throw new IllegalArgumentException("--config " + name + ": app " + app.path("Name").asText("?")
                            + " has a port that is not 1..65535: " + port);
                }
                ports.add(port.asInt());
            }
        }
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("--config " + name + " lists no ports under Apps[].Ports");
        }
        return new ArrayList<>(ports);
    }
}
