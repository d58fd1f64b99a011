package io.tcpmesh.coordination;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Daemon threads with names: the one thread factory of tcpmesh. A daemon never keeps a JVM alive on its
 * own; every service stops its threads itself, and an exit is never held up by one it forgot.
 *
 * <p>{@link #named} gives every thread the same name (a single-thread executor's thread);
 * {@link #numbered} names them {@code prefix-1}, {@code prefix-2}, ... Thread-safe.
 */
public final class DaemonThreads implements ThreadFactory {
    private final String name;
    private final AtomicInteger count;

    private DaemonThreads(String name, boolean numbered) {
        this.name = Objects.requireNonNull(name, "name cannot be null");
        this.count = numbered ? new AtomicInteger() : null;
    }

    /** Every thread is called {@code name}. */
    public static DaemonThreads named(String name) {
        return new DaemonThreads(name, false);
    }

    /** Threads called {@code prefix-1}, {@code prefix-2}, ... */
    public static DaemonThreads numbered(String prefix) {
        return new DaemonThreads(prefix, true);
    }

    /** One daemon thread, not started. */
    public static Thread thread(String name, Runnable task) {
        return named(name).newThread(task);
    }

    /** One daemon thread, started. */
    public static Thread start(String name, Runnable task) {
        Thread t = thread(name, task);
        t.start();
        return t;
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread t = new Thread(task, count == null ? name : name + "-" + count.incrementAndGet());
        t.setDaemon(true);
        return t;
    }
}
