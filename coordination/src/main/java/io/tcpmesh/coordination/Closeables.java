package io.tcpmesh.coordination;

import org.slf4j.Logger;

/** Closing that goes on past a failure and logs it. */
public final class Closeables {
    private Closeables() {
    }

    public static void closeQuietly(AutoCloseable closeable, Logger log) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("closing {} failed", closeable, e);
        }
    }
}
