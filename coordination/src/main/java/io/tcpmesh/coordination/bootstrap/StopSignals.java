package io.tcpmesh.coordination.bootstrap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a call, so that the main thread stops the service in order and the
 * process exits 0 (a JVM killed through its shutdown hooks exits 143).
 */
public final class StopSignals {
    private static final Logger log = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {
    }

    /** Calls the action on SIGTERM and SIGINT instead of running the shutdown hooks. */
    public static void onStop(Runnable onStop) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), s -> onStop.run());
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                log.warn("cannot handle SIG{} here; the shutdown hook stops the service instead", name);
            }
        }
    }

    /** Calls the action on every SIGHUP (the proxy reloads its configuration). */
    public static void onHangup(Runnable action) {
        try {
            Signal.handle(new Signal("HUP"), s -> action.run());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.warn("cannot handle SIGHUP here: reload by editing the file instead");
        }
    }
}
