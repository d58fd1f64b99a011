package io.tcpmesh.proxy.load;

import io.tcpmesh.coordination.VersionProvider;
import io.tcpmesh.coordination.bootstrap.Durations;
import io.tcpmesh.coordination.bootstrap.ExitCodes;
import io.tcpmesh.coordination.bootstrap.Sizes;
import io.tcpmesh.coordination.tls.TlsClientOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code load}: the load tester for the proxy and the services behind it. */
@Command(name = "load", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        description = {"Loads TCP services and proxies: echo (every byte checked), md5 (a connection per request, "
                + "digest checked) or connect (connection rate); closed loop, or open loop at a rate with load shapes "
                + "and latency measured from the intended send time (coordinated omission corrected).",
                "Prints a progress line every second on standard error and a summary on standard output.",
                "Exit codes: 0 every request answered correctly (or at most --max-errors failed); 1 the tester failed; "
                        + "2 bad options; 4 some reply was wrong; 5 no request succeeded; 6 more requests failed (refused, "
                        + "reset, timed out) than --max-errors allows.",
                "Examples:",
                "  load --mode echo -c 50 -d 10s 127.0.0.1:8000",
                "  load --config proxy.json -c 10 --rate 5000 --shape sine --rate-max 20000 --period 10s --html r.html",
                "  load --mode md5 --size 1G --requests 1 127.0.0.1:7000",
                "  load --tls --tls-ca ca.pem -c 50 -d 10s localhost:8000"})
public final class LoadCommand implements Callable<Integer> {
    public static final int WRONG_REPLY = 4;
    public static final int NOTHING_ANSWERED = 5;
    public static final int TOO_MANY_ERRORS = 6;

    @Parameters(paramLabel = "HOST:PORT", arity = "0..*", description = "Targets to load (also --target).")
    List<String> positionalTargets = new ArrayList<>();

    @Option(names = {"-t", "--target"}, paramLabel = "HOST:PORT", description = "A target; repeatable.")
    List<String> targets = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE",
            description = "A proxy configuration file, validated as the proxy does: load every port of every app on --host.")
    Path config;

    @Option(names = "--host", paramLabel = "HOST", description = "The host of the --config ports (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = {"-m", "--mode"}, paramLabel = "echo|md5|connect", description = "What a request is (default: echo).")
    String mode = "echo";

    @Option(names = {"-c", "--connections"}, paramLabel = "N",
            description = "Connections per target; in md5 and connect modes, requests in flight per target (default: ${DEFAULT-VALUE}).")
    int connections = 1;

    @Option(names = {"-d", "--duration"}, paramLabel = "DURATION", converter = Durations.class,
            description = "How long to run, e.g. 10s, 2m (default: 10s; with --requests and no --duration: 1h).")
    Duration duration;

    @Option(names = {"-n", "--requests"}, paramLabel = "N", description = "Stop after this many requests in all (default: no limit).")
    long requests;

    @Option(names = {"-s", "--size"}, paramLabel = "BYTES", converter = Sizes.class,
            description = "Message size, e.g. 64, 16K, 1G (default: 64).")
    Long size;

    @Option(names = "--message-file", paramLabel = "FILE", description = "Send this file's bytes as the message.")
    Path messageFile;

    @Option(names = "--message", paramLabel = "TEXT", description = "Send this text as the message, e.g. 'hello world'.")
    String message;

    @Option(names = {"-r", "--rate"}, paramLabel = "PER_SECOND",
            description = "Open loop: requests per second over all connections (the lowest rate of a shape). Without it: closed loop.")
    Double rate;

    @Option(names = "--shape", paramLabel = "constant|step|sine|sawtooth", description = "How the rate moves (default: constant).")
    String shape = "constant";

    @Option(names = "--rate-max", paramLabel = "PER_SECOND", description = "The highest rate of a step, sine or sawtooth shape.")
    Double rateMax;

    @Option(names = "--period", paramLabel = "DURATION", converter = Durations.class,
            description = "Sine and sawtooth: one cycle; step: one stair (default: the duration; for step the duration / steps).")
    Duration period;

    @Option(names = "--steps", paramLabel = "N", description = "Step shape: stairs from --rate to --rate-max (default: ${DEFAULT-VALUE}).")
    int steps = 5;

    @Option(names = "--sweep", paramLabel = "N,N,...", split = ",",
            description = "Run once per connection count, each for the whole duration, e.g. 10,50,100.")
    List<Integer> sweep = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "A request without progress for this long fails as a timeout (default: 5s).")
    Duration timeout = Duration.ofSeconds(5);

    @Option(names = "--drain", paramLabel = "DURATION", converter = Durations.class,
            description = "At the end, wait this long for requests in flight; the rest count as dropped (default: 2s).")
    Duration drain = Duration.ofSeconds(2);

    @Option(names = "--threads", paramLabel = "N", description = "Selector threads (default: ${DEFAULT-VALUE}).")
    int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

    @Option(names = "--json", paramLabel = "FILE", description = "Write the report as JSON.")
    Path json;

    @Option(names = "--html", paramLabel = "FILE", description = "Write the report as one self-contained HTML page with charts.")
    Path html;

    @Option(names = "--max-errors", paramLabel = "N",
            description = "How many failed requests (refused, reset, timed out) still exit 0 (default: ${DEFAULT-VALUE}); a wrong reply always exits 4.")
    long maxErrors;

    @Mixin
    TlsClientOptions tls = new TlsClientOptions();

    @Option(names = {"-q", "--quiet"}, description = "No progress line.")
    boolean quiet;

    @Option(names = "--self-test",
            description = "Start an in-process echo server and load it: how fast this tester can go on this machine.")
    boolean selfTest;

    private final PrintStream out;
    private final PrintStream err;
    private final List<String> args = new ArrayList<>();
    private volatile LoadRun current;

    public LoadCommand() {
        this(System.out, System.err);
    }

    LoadCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String... args) {
        System.exit(run(args));
    }

    /** Runs the tester in this JVM and returns its exit code (tests use this). */
    public static int run(String... args) {
        return run(System.out, System.err, args);
    }

    /** Runs the tester with its output on the given streams; returns the exit code (for tests in other packages). */
    public static int run(PrintStream out, PrintStream err, String... args) {
        LoadCommand main = new LoadCommand(out, err);
        main.args.addAll(List.of(args));
        CommandLine cl = new CommandLine(main);
        PrintWriter errWriter = new PrintWriter(err, true);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(errWriter);
        cl.setParameterExceptionHandler((e, a) -> badOptions(errWriter, e.getMessage()));
        cl.setExecutionExceptionHandler((e, c, parsed) -> failed(errWriter, e));
        return cl.execute(args);
    }

    private static int badOptions(PrintWriter err, String message) {
        err.println("load: " + message);
        err.println("Try 'load --help' for the options.");
        err.flush();
        return ExitCodes.BAD_OPTIONS;
    }

    private static int failed(PrintWriter err, Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException) {
                return badOptions(err, t.getMessage());
            }
        }
        err.println("load: failed: " + e);
        e.printStackTrace(err);
        err.flush();
        return ExitCodes.FAILURE;
    }

    @Override
    public Integer call() throws Exception {
        try (LoopbackEchoServer self = selfTest ? LoopbackEchoServer.start() : null) {
            LoadConfig cfg = config(self == null ? null : new LoadTarget("127.0.0.1", self.port()));
            return execute(cfg);
        }
    }

    private int execute(LoadConfig cfg) throws Exception {
        if (cfg.mode() == Mode.MD5) {
            cfg.payload().md5();
        }
        CountDownLatch reported = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            LoadRun run = current;
            if (run != null) {
                run.stop();
            }
            await(reported, cfg.drain().plusSeconds(5));
        }, "load-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            List<LoadRun.Result> results = new ArrayList<>();
            String startedAt = Instant.now().toString();
            List<Integer> counts = cfg.sweep().isEmpty() ? List.of(cfg.connections()) : cfg.sweep();
            for (int n : counts) {
                LoadConfig point = cfg.withConnections(n);
                if (!quiet) {
                    err.printf(Locale.ROOT, "load: %s %s x %d connections, %s, %s%n", cfg.mode().name().toLowerCase(Locale.ROOT),
                            cfg.targets(), n, cfg.openLoop() ? cfg.shape().describe() : "closed loop",
                            cfg.requests() > 0 ? cfg.requests() + " requests or " + Durations.format(cfg.duration())
                                    : Durations.format(cfg.duration()));
                }
                current = new LoadRun(point, quiet ? null : err);
                LoadRun.Result result = current.execute();
                results.add(result);
                out.print(ReportWriter.text(result.summary()));
                out.flush();
            }
            LoadReport report = new LoadReport("tcpmesh load", startedAt, args, settings(cfg), results);
            if (cfg.json() != null) {
                ReportWriter.writeJson(report, cfg.json());
            }
            if (cfg.html() != null) {
                ReportWriter.writeHtml(report, cfg.html());
            }
            int code = exitCode(results, maxErrors);
            if (code == TOO_MANY_ERRORS) {
                err.printf(Locale.ROOT, "load: %d request(s) failed, more than --max-errors %d: exit %d%n",
                        results.stream().mapToLong(r -> r.summary().errors()).sum(), maxErrors, TOO_MANY_ERRORS);
            }
            return code;
        } finally {
            reported.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException exiting) {
                // the JVM is already shutting down: the hook is running
            }
        }
    }

    static int exitCode(List<LoadRun.Result> results, long maxErrors) {
        long wrong = 0;
        long ok = 0;
        long failed = 0;
        for (LoadRun.Result r : results) {
            wrong += r.summary().errors(ErrorKind.WRONG_REPLY);
            ok += r.summary().requests();
            failed += r.summary().errors();
        }
        if (wrong > 0) {
            return WRONG_REPLY;
        }
        if (ok == 0) {
            return NOTHING_ANSWERED;
        }
        return failed > maxErrors ? TOO_MANY_ERRORS : ExitCodes.OK;
    }

    /** Builds and validates the run's configuration; an IllegalArgumentException means bad options (exit 2). */
    LoadConfig config(LoadTarget selfTarget) {
        List<LoadTarget> all = new ArrayList<>();
        for (String t : positionalTargets) {
            all.add(LoadTarget.parse(t));
        }
        for (String t : targets) {
            all.add(LoadTarget.parse(t));
        }
        if (config != null) {
            for (int port : ProxyConfigPorts.read(config)) {
                all.add(new LoadTarget(host, port));
            }
        }
        if (selfTarget != null) {
            if (!all.isEmpty()) {
                throw new IllegalArgumentException("--self-test loads its own server: give no targets");
            }
            all.add(selfTarget);
        }
        Mode m = switch (mode.toLowerCase(Locale.ROOT)) {
            case "echo" -> Mode.ECHO;
            case "md5" -> Mode.MD5;
            case "connect" -> Mode.CONNECT;
            default -> throw new IllegalArgumentException("--mode must be echo, md5 or connect, not '" + mode + "'");
        };
        if (selfTarget != null && m != Mode.ECHO) {
            throw new IllegalArgumentException("--self-test runs an echo server: use --mode echo");
        }
        int sources = (size != null ? 1 : 0) + (messageFile != null ? 1 : 0) + (message != null ? 1 : 0);
        if (sources > 1) {
            throw new IllegalArgumentException("give only one of --size, --message-file and --message");
        }
        Payload payload = messageFile != null ? Payload.ofFile(messageFile)
                : message != null ? messageOf(message) : Payload.ofSize(size == null ? 64 : size);
        if (maxErrors < 0) {
            throw new IllegalArgumentException("--max-errors must not be negative, not " + maxErrors);
        }
        if (requests < 0) {
            throw new IllegalArgumentException("--requests must not be negative, not " + requests);
        }
        Duration d = duration != null ? duration : requests > 0 ? Duration.ofHours(1) : Duration.ofSeconds(10);
        RateShape rateShape = null;
        if (rate != null) {
            Duration p = period != null ? period : "step".equalsIgnoreCase(shape) ? d.dividedBy(Math.max(1, steps)) : d;
            rateShape = RateShape.parse(shape, rate, rateMax, p.isZero() ? Duration.ofMillis(1) : p, steps);
        } else if (rateMax != null || period != null || !"constant".equalsIgnoreCase(shape)) {
            throw new IllegalArgumentException("--shape, --rate-max and --period need --rate (without --rate the loop is closed)");
        }
        if (selfTarget != null && tls.enabled()) {
            throw new IllegalArgumentException("--self-test runs a plaintext echo server: drop --tls");
        }
        return new LoadConfig(all, m, connections, d, requests, payload, rateShape, sweep, timeout, drain, threads,
                json, html, !quiet, tls.client("load", err));
    }

    private static Payload messageOf(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("--message must not be empty");
        }
        return Payload.of(text);
    }

    private Map<String, Object> settings(LoadConfig cfg) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("targets", cfg.targets().toString());
        s.put("mode", cfg.mode().name().toLowerCase(Locale.ROOT));
        s.put("connectionsPerTarget", cfg.sweep().isEmpty() ? String.valueOf(cfg.connections()) : "sweep " + cfg.sweep());
        s.put("duration", Durations.format(cfg.duration()));
        s.put("requests", cfg.requests() > 0 ? String.valueOf(cfg.requests()) : "no limit");
        s.put("messageBytes", cfg.payload().length());
        s.put("load", cfg.openLoop() ? "open loop, " + cfg.shape().describe() : "closed loop");
        s.put("timeout", Durations.format(cfg.timeout()));
        s.put("tls", cfg.tls().map(t -> t.config().insecure() ? "yes, not verified" : "yes, verified").orElse("no"));
        s.put("threads", cfg.threads());
        s.put("cores", Runtime.getRuntime().availableProcessors());
        s.put("java", System.getProperty("java.version"));
        return s;
    }

    private static void await(CountDownLatch latch, Duration max) {
        try {
            latch.await(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
