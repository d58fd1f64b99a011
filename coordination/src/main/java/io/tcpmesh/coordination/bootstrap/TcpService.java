package io.tcpmesh.coordination.bootstrap;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A network service run by {@link ServiceLauncher}.
 *
 * <p>Lifecycle: {@link #start()} once; then, on shutdown, {@link #stopAccepting()},
 * {@link #awaitDrained(Duration)} and {@link #close()}, in that order. The launcher registers the
 * address {@code start()} returns in ZooKeeper only after {@code start()} returned.
 */
public interface TcpService extends AutoCloseable {
    /**
     * Binds and starts serving.
     *
     * @return the bound address to register (the port actually bound when 0 was asked)
     * @throws java.net.BindException when the port cannot be bound; the launcher exits with 3
     */
    InetSocketAddress start() throws IOException;

    /** Stops accepting connections; those open go on. */
    void stopAccepting();

    /**
     * Waits until every open connection has finished, or the timeout passes.
     *
     * @return how many connections were still open when it returned
     */
    int awaitDrained(Duration timeout) throws InterruptedException;

    /** Closes whatever is still open. */
    @Override
    void close();
}
