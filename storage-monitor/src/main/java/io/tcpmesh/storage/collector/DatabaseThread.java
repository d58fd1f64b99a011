package io.tcpmesh.storage.collector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that owns the database and the run state: tasks handed over by MINA's I/O threads run
 * here one after the other, so a slow disk never stalls an I/O thread, messages of one connection are
 * stored in order and the state needs no locks. Tasks handed over after {@link #close()} are dropped.
 */
final class DatabaseThread implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DatabaseThread.class);

    private final String node;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "storage-db");
        t.setDaemon(true);
        return t;
    });

    DatabaseThread(String node) {
        this.node = node;
    }

    /** Runs a task later on this thread; a task that throws is logged and does not stop the thread. */
    void execute(Runnable task) {
        try {
            thread.execute(() -> runSafely(task));
        } catch (RejectedExecutionException closed) {
            log.debug("[{}] database thread closed: task dropped", node);
        }
    }

    void schedule(Duration delay, Runnable task) {
        try {
            thread.schedule(() -> runSafely(task), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            log.debug("[{}] database thread closed: task dropped", node);
        }
    }

    void every(Duration period, Runnable task) {
        thread.scheduleWithFixedDelay(() -> runSafely(task), period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs a task on this thread and waits for it; its exception is thrown here. */
    void call(Runnable task) {
        try {
            thread.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    boolean closed() {
        return thread.isShutdown();
    }

    private void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("[{}] database thread task failed", node, e);
        }
    }

    /** Runs {@code last} after what was handed over so far, then stops the thread. */
    void close(Runnable last) {
        if (thread.isShutdown()) {
            return;
        }
        try {
            call(last);
        } finally {
            thread.shutdownNow();
        }
    }

    @Override
    public void close() {
        close(() -> { });
    }
}
