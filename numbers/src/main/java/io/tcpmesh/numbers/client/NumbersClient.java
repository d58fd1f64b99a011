package io.tcpmesh.numbers.client;

import io.tcpmesh.coordination.Backoff;
import io.tcpmesh.numbers.codec.Hello;
import io.tcpmesh.numbers.codec.Protocol;
import io.tcpmesh.numbers.codec.ProtocolException;
import io.tcpmesh.numbers.codec.ServerMessage;
import io.tcpmesh.numbers.codec.Variant;
import io.tcpmesh.numbers.sequence.Checksum;
import io.tcpmesh.numbers.sequence.StatelessSequence;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Receives one stream, reconnecting with backoff after every drop and resuming at the first message it
 * has not received, and checks it: every index exactly once and in order, stateless values equal to
 * {@code a * 2^i}, and the END line's checksum or sum equal to the one computed here.
 *
 * <p>Blocking, one thread: one client is one stream.
 */
public final class NumbersClient {
    private final ClientOptions options;
    private final Supplier<InetSocketAddress> servers;
    private final Consumer<String> numbers;
    private final PrintStream progress;
    private final Backoff backoff;

    private int next;
    private int start;
    private final Checksum checksum = new Checksum();
    private BigInteger sum = BigInteger.ZERO;
    private int connections;
    private long lastProgress;

    /**
     * @param servers  gives the server to try on each attempt (throws IllegalStateException when none is known)
     * @param numbers  receives each message as {@code "INDEX VALUE"}
     * @param progress where reconnections are reported
     */
    public NumbersClient(ClientOptions options, Supplier<InetSocketAddress> servers, Consumer<String> numbers, PrintStream progress) {
        this.options = Objects.requireNonNull(options, "options cannot be null");
        this.servers = Objects.requireNonNull(servers, "servers cannot be null");
        this.numbers = Objects.requireNonNull(numbers, "numbers cannot be null");
        this.progress = Objects.requireNonNull(progress, "progress cannot be null");
        this.backoff = new Backoff(options.backoff(), options.maxBackoff());
    }

    public ClientResult run() throws InterruptedException {
        lastProgress = System.nanoTime();
        while (true) {
            String why;
            InetSocketAddress server = null;
            try {
                server = servers.get();
                ClientResult result = connect(server);
                if (result != null) {
                    return result;
                }
                why = "connection closed";
            } catch (IOException | IllegalStateException e) {
                why = e.getMessage() == null ? e.toString() : e.getMessage();
            } catch (RetryLater e) {
                why = e.getMessage();
            }
            long silent = (System.nanoTime() - lastProgress) / 1_000_000;
            if (silent >= options.giveUp().toMillis()) {
                return result(ClientResult.Outcome.GAVE_UP, null, "nothing received for " + silent + " ms: " + why);
            }
            long wait = backoff.next().toMillis();
            progress.printf("numbers-client: %s at %d/%d (%s); retrying in %d ms%n",
                    server == null ? "no server" : server, next, options.count(), why, wait);
            Thread.sleep(wait);
        }
    }

    /** One connection: returns the final result, or null to reconnect. */
    private ClientResult connect(InetSocketAddress server) throws IOException, RetryLater {
        try (Socket socket = new Socket()) {
            socket.connect(server, Math.toIntExact(Math.min(options.readTimeout().toMillis(), 5_000)));
            socket.setSoTimeout(Math.toIntExact(options.readTimeout().toMillis()));
            socket.setTcpNoDelay(true);
            connections++;
            OutputStream out = socket.getOutputStream();
            out.write((hello().line() + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            LineReader in = new LineReader(new BufferedInputStream(socket.getInputStream()), Protocol.MAX_SERVER_LINE);
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                ClientResult result = handle(line);
                if (result != null) {
                    return result;
                }
            }
            return null;
        }
    }

    private Hello hello() {
        return options.variant() == Variant.STATEFUL
                ? Hello.stateful(options.clientId(), options.count(), next)
                : Hello.stateless(options.clientId(), options.count(), next, next == 0 ? 0 : start);
    }

    private ClientResult handle(String line) throws RetryLater {
        ServerMessage message;
        try {
            message = ServerMessage.parse(line);
        } catch (ProtocolException e) {
            return result(ClientResult.Outcome.MISMATCH, null, "unexpected line from the server: " + e.getMessage());
        }
        if (message instanceof ServerMessage.Message m) {
            return received(m);
        } else if (message instanceof ServerMessage.Ok ok) {
            return accepted(ok);
        } else if (message instanceof ServerMessage.End end) {
            return end(end);
        }
        return refused((ServerMessage.Err) message, line);
    }

    private ClientResult accepted(ServerMessage.Ok ok) {
        if (ok.variant() != options.variant() || !ok.clientId().equals(options.clientId()) || ok.count() != options.count() || ok.next() != next) {
            return result(ClientResult.Outcome.MISMATCH, null, "server accepted another stream: " + ok.line());
        }
        if (ok.variant() == Variant.STATELESS) {
            if (next > 0 && ok.start() != start) {
                return result(ClientResult.Outcome.MISMATCH, null, "server resumed with start " + ok.start() + ", not " + start);
            }
            start = ok.start();
        }
        return null;
    }

    private ClientResult refused(ServerMessage.Err err, String line) throws RetryLater {
        if (err.retryable()) {
            throw new RetryLater(line);
        }
        return result(ClientResult.Outcome.REFUSED, null, line);
    }

    private ClientResult received(ServerMessage.Message m) {
        int index = m.index();
        if (index != next) {
            return result(ClientResult.Outcome.MISMATCH, null, (index < next ? "duplicate" : "gap") + ": expected message " + next + ", got " + index);
        }
        if (options.variant() == Variant.STATELESS) {
            BigInteger value = new BigInteger(m.value());
            if (!value.equals(StatelessSequence.value(start, index))) {
                return result(ClientResult.Outcome.MISMATCH, null, "message " + index + " is not " + start + " * 2^" + index);
            }
            sum = sum.add(value);
        } else {
            checksum.add(m.value());
        }
        numbers.accept(index + " " + m.value());
        next++;
        lastProgress = System.nanoTime();
        backoff.reset();
        return null;
    }

    private ClientResult end(ServerMessage.End end) {
        if (next != options.count() || end.count() != options.count()) {
            return result(ClientResult.Outcome.MISMATCH, end.checksum(), "END after " + next + " of " + options.count() + " messages");
        }
        boolean match = local().equals(end.checksum());
        return result(match ? ClientResult.Outcome.OK : ClientResult.Outcome.MISMATCH, end.checksum(), match ? null : "checksum differs");
    }

    private String local() {
        return options.variant() == Variant.STATEFUL ? checksum.hex() : sum.toString();
    }

    private ClientResult result(ClientResult.Outcome outcome, String server, String detail) {
        return new ClientResult(outcome, next, connections, local(), server, detail);
    }

    /** The server asked to come back later (offline, full, busy, store unavailable). */
    private static final class RetryLater extends Exception {
        RetryLater(String line) {
            super(line);
        }
    }
}
