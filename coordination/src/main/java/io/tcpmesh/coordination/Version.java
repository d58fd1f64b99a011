package io.tcpmesh.coordination;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The tcpmesh version: the build's {@code project.version}, written into {@code tcpmesh-version.properties}
 * when the coordination jar is built; the jar manifest's Implementation-Version when a repackaged jar has
 * one; "dev" only when neither exists.
 */
public final class Version {
    static final String RESOURCE = "/tcpmesh-version.properties";
    private static final String CURRENT = find();

    private Version() {
    }

    public static String current() {
        return CURRENT;
    }

    private static String find() {
        String fromBuild = fromResource();
        if (fromBuild != null) {
            return fromBuild;
        }
        String fromManifest = Version.class.getPackage().getImplementationVersion();
        return fromManifest == null ? "dev" : fromManifest;
    }

    private static String fromResource() {
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").trim();
            return v.isEmpty() || v.startsWith("${") ? null : v;
        } catch (IOException e) {
            return null;
        }
    }
}
