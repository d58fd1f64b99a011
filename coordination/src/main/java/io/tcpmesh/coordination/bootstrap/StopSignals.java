package io.tcpmesh.coordination.bootstrap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

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

    /**
     * Calls the action on every SIGHUP (the proxy reloads its configuration).
     *
     * @return false when SIGHUP cannot reach this process: a process started under nohup inherits an
     *         ignored SIGHUP, and the JVM then accepts a handler silently but never runs it
     */
    public static boolean onHangup(Runnable action) {
        try {
            SignalHandler previous = Signal.handle(new Signal("HUP"), s -> action.run());
            if (previous == SignalHandler.SIG_IGN) {
                log.warn("SIGHUP is ignored in this process (started under nohup?): reload by editing the file instead");
                return false;
            }
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.warn("cannot handle SIGHUP here: reload by editing the file instead");
            return false;
        }
    }
}
