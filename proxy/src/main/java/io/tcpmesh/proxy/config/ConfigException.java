package io.tcpmesh.proxy.config;

/** A configuration that cannot be used; the message names the source, the app, the key and the problem. */
public final class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }
}
