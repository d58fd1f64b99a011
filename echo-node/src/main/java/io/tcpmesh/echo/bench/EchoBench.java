package io.tcpmesh.echo.bench;

import io.tcpmesh.coordination.VersionProvider;
import io.tcpmesh.coordination.bootstrap.Durations;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.coordination.bootstrap.Sizes;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The echo benchmark client. Each mode prints one {@code RESULT ...} line of key=value pairs.
 * <ul>
 *   <li>{@code latency}: closed loop, each connection sends a message and waits for its echo; HdrHistogram percentiles.</li>
 *   <li>{@code bulk}: one connection streams SIZE bytes while a second thread reads the echo back.</li>
 *   <li>{@code hold}: opens N connections, echoes one byte on each, prints HELD and holds them.</li>
 * </ul>
 */
@Command(name = "echo-bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        subcommands = {EchoBench.Latency.class, EchoBench.Bulk.class, EchoBench.Hold.class},
        description = "Benchmark client for echo servers (echo-node, or any other).")
public final class EchoBench {
    static Socket connect(String host, int port) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(host, port), 5000);
        s.setSoTimeout(30_000);
        return s;
    }

    static void readFully(InputStream in, byte[] b) throws IOException {
        int off = 0;
        while (off < b.length) {
            int n = in.read(b, off, b.length - off);
            if (n < 0) {
                throw new IOException("server closed after " + off + " of " + b.length + " bytes");
            }
            off += n;
        }
    }

    @Command(name = "latency", mixinStandardHelpOptions = true, description = "Closed-loop request/echo latency and rate.")
    static final class Latency implements Callable<Integer> {
        @Option(names = "--host", defaultValue = "127.0.0.1") String host;
        @Option(names = "--port", required = true) int port;
        @Option(names = "--connections", defaultValue = "50") int connections;
        @Option(names = "--size", defaultValue = "64") int size;
        @Option(names = "--warmup", defaultValue = "2s", converter = Durations.class) Duration warmup;
        @Option(names = "--duration", defaultValue = "10s", converter = Durations.class) Duration duration;
        @Option(names = "--label", defaultValue = "server") String label;

        @Override
        public Integer call() throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(connections);
            long start = System.nanoTime();
            long measureFrom = start + warmup.toNanos();
            long end = measureFrom + duration.toNanos();
            List<Future<Histogram>> results = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                results.add(pool.submit(() -> loop(measureFrom, end)));
            }
            Histogram all = new Histogram(60_000_000_000L, 3);
            for (Future<Histogram> f : results) {
                all.add(f.get());
            }
            pool.shutdown();
            double seconds = duration.toNanos() / 1e9;
            System.out.printf("RESULT mode=latency label=%s connections=%d size=%d seconds=%.1f requests=%d rps=%.0f "
                            + "p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f%n",
                    label, connections, size, seconds, all.getTotalCount(), all.getTotalCount() / seconds,
                    all.getValueAtPercentile(50) / 1e3, all.getValueAtPercentile(99) / 1e3,
                    all.getValueAtPercentile(99.9) / 1e3, all.getMaxValue() / 1e3);
            return 0;
        }

        private Histogram loop(long measureFrom, long end) throws IOException {
            Histogram h = new Histogram(60_000_000_000L, 3);
            byte[] message = new byte[size];
            byte[] back = new byte[size];
            for (int i = 0; i < size; i++) {
                message[i] = (byte) ('a' + i % 26);
            }
            try (Socket s = connect(host, port)) {
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                while (true) {
                    long t0 = System.nanoTime();
                    if (t0 >= end) {
                        return h;
                    }
                    out.write(message);
                    readFully(in, back);
                    long t1 = System.nanoTime();
                    if (t0 >= measureFrom) {
                        h.recordValue(t1 - t0);
                    }
                }
            }
        }
    }

    @Command(name = "bulk", mixinStandardHelpOptions = true, description = "Streams SIZE bytes through one connection and reads them back.")
    static final class Bulk implements Callable<Integer> {
        @Option(names = "--host", defaultValue = "127.0.0.1") String host;
        @Option(names = "--port", required = true) int port;
        @Option(names = "--size", defaultValue = "1G", converter = Sizes.class) long size;
        @Option(names = "--chunk", defaultValue = "64K", converter = Sizes.class) long chunk;
        @Option(names = "--label", defaultValue = "server") String label;

        @Override
        public Integer call() throws Exception {
            try (Socket s = connect(host, port)) {
                byte[] data = new byte[Math.toIntExact(chunk)];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (byte) (i * 31);
                }
                long t0 = System.nanoTime();
                Thread writer = new Thread(() -> {
                    try {
                        OutputStream out = s.getOutputStream();
                        for (long sent = 0; sent < size; sent += data.length) {
                            out.write(data, 0, (int) Math.min(data.length, size - sent));
                        }
                    } catch (IOException e) {
                        System.err.println("bulk: writing failed: " + e);
                    }
                }, "bulk-writer");
                writer.start();
                InputStream in = s.getInputStream();
                byte[] buffer = new byte[256 * 1024];
                long received = 0;
                while (received < size) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        throw new IOException("server closed after " + received + " bytes");
                    }
                    received += n;
                }
                long nanos = System.nanoTime() - t0;
                writer.join();
                System.out.printf("RESULT mode=bulk label=%s bytes=%d seconds=%.2f mb_per_s=%.0f%n", label, received,
                        nanos / 1e9, received / 1e6 / (nanos / 1e9));
            }
            return 0;
        }
    }

    @Command(name = "hold", mixinStandardHelpOptions = true, description = "Opens N connections, echoes a byte on each, holds them.")
    static final class Hold implements Callable<Integer> {
        @Option(names = "--host", defaultValue = "127.0.0.1") String host;
        @Option(names = "--port", required = true) int port;
        @Option(names = "--connections", defaultValue = "10000") int connections;
        @Option(names = "--hold", defaultValue = "20s", converter = Durations.class) Duration hold;

        @Override
        public Integer call() throws Exception {
            List<Socket> sockets = new ArrayList<>(connections);
            long t0 = System.nanoTime();
            try {
                for (int i = 0; i < connections; i++) {
                    sockets.add(connect(host, port));
                }
                long opened = System.nanoTime();
                for (Socket s : sockets) {
                    s.getOutputStream().write('x');
                }
                byte[] one = new byte[1];
                for (Socket s : sockets) {
                    readFully(s.getInputStream(), one);
                }
                System.out.printf("HELD connections=%d open_s=%.2f echo_all_s=%.2f%n", sockets.size(), (opened - t0) / 1e9,
                        (System.nanoTime() - opened) / 1e9);
                System.out.flush();
                long until = System.nanoTime() + hold.toNanos();
                while (System.nanoTime() < until && System.in.available() >= 0) {
                    Thread.sleep(100);
                }
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            return 0;
        }
    }

    public static void main(String[] args) {
        ServiceLauncher.main(new EchoBench(), args);
    }
}
