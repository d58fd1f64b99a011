package io.tcpmesh.md5.bench;

import io.tcpmesh.coordination.bootstrap.Durations;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * A small load client for any "bytes, FIN, 32 hex digits" MD5 server (md5-service or a socat peer).
 * Prints one line of {@code key=value} results for scripts. Not the general load tester.
 */
@Command(name = "md5-bench", mixinStandardHelpOptions = true, subcommands = {Md5Bench.Requests.class, Md5Bench.Stream.class},
        description = "Benchmark client for MD5 servers: 'requests' (small requests, a new connection each) or 'stream' (one large file).")
public final class Md5Bench {
    public static void main(String... args) {
        System.exit(new CommandLine(new Md5Bench()).execute(args));
    }

    @Command(name = "requests", mixinStandardHelpOptions = true,
            description = "Many clients in parallel, each sending SIZE bytes on a new connection, half-closing and reading the answer, for DURATION.")
    static final class Requests implements Callable<Integer> {
        @Option(names = "--host", defaultValue = "127.0.0.1") String host;
        @Option(names = "--port", required = true) int port;
        @Option(names = "--clients", defaultValue = "32", description = "Parallel clients (default: ${DEFAULT-VALUE}).") int clients;
        @Option(names = "--size", defaultValue = "64", description = "Bytes per request (default: ${DEFAULT-VALUE}).") int size;
        @Option(names = "--duration", defaultValue = "5s", converter = Durations.class) Duration duration;
        @Option(names = "--warmup", defaultValue = "1s", converter = Durations.class) Duration warmup;

        @Override
        public Integer call() throws Exception {
            InetSocketAddress target = new InetSocketAddress(host, port);
            long start = System.nanoTime();
            long measureFrom = start + warmup.toNanos();
            long end = measureFrom + duration.toNanos();
            List<Worker> workers = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                Worker w = new Worker(target, size, measureFrom, end, i);
                workers.add(w);
                w.start();
            }
            Histogram all = new Histogram(3_600_000_000L, 3);
            long ok = 0;
            long errors = 0;
            for (Worker w : workers) {
                w.join();
                all.add(w.latencies);
                ok += w.ok;
                errors += w.errors;
            }
            double seconds = duration.toNanos() / 1e9;
            System.out.printf("requests=%d errors=%d rps=%.0f p50_us=%d p99_us=%d max_us=%d clients=%d size=%d seconds=%.1f%n",
                    ok, errors, ok / seconds, all.getValueAtPercentile(50) / 1000, all.getValueAtPercentile(99) / 1000,
                    all.getMaxValue() / 1000, clients, size, seconds);
            return errors == 0 && ok > 0 ? 0 : 1;
        }
    }

    private static final class Worker extends Thread {
        final InetSocketAddress target;
        final long measureFrom;
        final long end;
        final byte[] payload;
        final String expected;
        final Histogram latencies = new Histogram(3_600_000_000L, 3);
        long ok;
        long errors;

        Worker(InetSocketAddress target, int size, long measureFrom, long end, int seed) throws Exception {
            super("md5-bench-" + seed);
            this.target = target;
            this.measureFrom = measureFrom;
            this.end = end;
            this.payload = new byte[size];
            new Random(seed).nextBytes(payload);
            this.expected = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(payload));
        }

        @Override
        public void run() {
            byte[] answer = new byte[64];
            long now;
            while ((now = System.nanoTime()) < end) {
                boolean good;
                try (Socket s = new Socket()) {
                    s.setTcpNoDelay(true);
                    s.connect(target, 5000);
                    s.setSoTimeout(10_000);
                    s.getOutputStream().write(payload);
                    s.shutdownOutput();
                    int n = readAll(s.getInputStream(), answer);
                    good = n == 33 && new String(answer, 0, 32, StandardCharsets.US_ASCII).equals(expected) && answer[32] == '\n';
                } catch (IOException e) {
                    good = false;
                }
                long done = System.nanoTime();
                if (now >= measureFrom && done <= end) {
                    if (good) {
                        ok++;
                        latencies.recordValue(done - now);
                    } else {
                        errors++;
                    }
                }
            }
        }
    }

    static int readAll(InputStream in, byte[] into) throws IOException {
        int n = 0;
        int r;
        while (n < into.length && (r = in.read(into, n, into.length - n)) >= 0) {
            n += r;
        }
        return n;
    }

    @Command(name = "stream", mixinStandardHelpOptions = true,
            description = "Sends one file on one connection (sendfile), half-closes, reads the answer; prints MB/s from connect to answer.")
    static final class Stream implements Callable<Integer> {
        @Option(names = "--host", defaultValue = "127.0.0.1") String host;
        @Option(names = "--port", required = true) int port;
        @Option(names = "--file", required = true) Path file;

        @Override
        public Integer call() throws Exception {
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = in.size();
                long start = System.nanoTime();
                try (SocketChannel out = SocketChannel.open(new InetSocketAddress(host, port))) {
                    long sent = 0;
                    while (sent < size) {
                        sent += in.transferTo(sent, size - sent, out);
                    }
                    out.shutdownOutput();
                    byte[] answer = new byte[64];
                    int n = readAll(out.socket().getInputStream(), answer);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    String md5 = new String(answer, 0, Math.max(0, n - 1), StandardCharsets.US_ASCII);
                    System.out.printf("md5=%s bytes=%d seconds=%.3f mb_per_s=%.1f%n", md5, size, seconds, size / 1e6 / seconds);
                    return n == 33 ? 0 : 1;
                }
            }
        }
    }
}
