package io.tcpmesh.coordination.bootstrap;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import com.google.inject.Stage;
import com.google.inject.spi.Message;
import io.tcpmesh.coordination.DaemonThreads;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.net.BindException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * The one bootstrap every tcpmesh program uses.
 *
 * <p>Each program is a picocli command whose {@code main} is
 * {@code ServiceLauncher.main(new Md5ServiceCommand(), args)} and whose {@code call()} returns
 * {@code ServiceLauncher.serve("md5", options, new Md5Module(...))}.
 * {@link #serve} builds the Guice injector in production stage, binds the {@link TcpService}, registers it,
 * waits for SIGTERM or SIGINT, then deregisters, stops accepting, drains and closes, and returns 0.
 *
 * <p>Exit codes: bad options 2, a port that cannot be bound 3, anything else 1; each with one line on
 * standard error saying what was wrong.
 */
public final class ServiceLauncher {
    private ServiceLauncher() {
    }

    /** Parses, runs and exits the JVM with the command's exit code. */
    public static void main(Object command, String... args) {
        int code = ExitCodes.FAILURE;
        try {
            code = execute(command, args);
        } catch (Throwable t) {
            // an Error escaping picocli must not leave MINA's non-daemon threads running a headless JVM
            System.err.println("failed: " + t);
            t.printStackTrace();
        } finally {
            System.exit(code);
        }
    }

    /** Parses and runs a picocli command; returns its exit code instead of exiting. */
    public static int execute(Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        String name = cl.getCommandName();
        cl.setParameterExceptionHandler((e, a) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println(name + ": " + e.getMessage());
            err.println("Try '" + name + " --help' for the options.");
            err.flush();
            return ExitCodes.BAD_OPTIONS;
        });
        cl.setExecutionExceptionHandler((e, c, parseResult) -> failure(name, e, c.getErr()));
        return cl.execute(args);
    }

    /** Runs a service until SIGTERM or SIGINT, then stops it gracefully; returns the exit code. */
    public static int serve(String service, ServiceOptions options, Module... modules) throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        StopSignals.onStop(stop::countDown);
        try (RunningService running = start(service, options, modules)) {
            Runtime.getRuntime().addShutdownHook(new Thread(running::close, "shutdown-" + running.node().name()));
            stop.await();
            haltIfStuck(running);
            running.close();
        }
        return ExitCodes.OK;
    }

    /** A stop that outlasts its budget by far is stuck: the process must still end. */
    private static void haltIfStuck(RunningService running) {
        long budget = running.stopBudget().plusSeconds(15).toMillis();
        DaemonThreads.start("stop-watchdog", () -> {
            try {
                Thread.sleep(budget);
                System.err.println("[" + running.node().name() + "] stop did not finish within " + budget + " ms: halting");
                Runtime.getRuntime().halt(ExitCodes.FAILURE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * Starts a service in this JVM and returns once its port is bound and its registration is under way.
     * Tests use this to run a real service on port 0.
     */
    public static RunningService start(String service, ServiceOptions options, Module... modules) throws Exception {
        options.validate();
        List<Module> all = new ArrayList<>();
        all.add(new CoordinationModule(service, options));
        all.addAll(List.of(modules));
        Injector injector;
        try {
            injector = Guice.createInjector(Stage.PRODUCTION, all);
        } catch (CreationException | ProvisionException e) {
            throw unwrap(e);
        }
        return RunningService.start(injector, options);
    }

    private static Exception unwrap(RuntimeException e) {
        List<Throwable> causes = new ArrayList<>();
        causes.add(e);
        // with several errors (one failed provider and those that needed it) Guice has no single cause
        Collection<Message> messages = e instanceof CreationException c ? c.getErrorMessages()
                : ((ProvisionException) e).getErrorMessages();
        messages.stream().map(Message::getCause).filter(Objects::nonNull).forEach(causes::add);
        for (Throwable cause : causes) {
            for (Throwable t = cause; t != null; t = t.getCause()) {
                if (t instanceof IllegalArgumentException || t instanceof BindException) {
                    return (Exception) t;
                }
            }
        }
        return e;
    }

    /** Names the option that moves the port that could not be bound. */
    static String bindHint(String message) {
        String m = message == null ? "" : message;
        if (m.startsWith("admin port")) {
            return "pick another with --admin-port";
        }
        if (m.startsWith("app '")) {
            return "change that app's Ports in the configuration, or stop what uses the port";
        }
        return "pick another with --port";
    }

    /** Maps a failure to its exit code and prints one line naming it. */
    static int failure(String name, Exception e, PrintWriter err) {
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof IllegalArgumentException) && !(cause instanceof BindException)) {
            cause = cause.getCause();
        }
        int code;
        if (cause instanceof IllegalArgumentException) {
            err.println(name + ": " + cause.getMessage());
            err.println("Try '" + name + " --help' for the options.");
            code = ExitCodes.BAD_OPTIONS;
        } else if (cause instanceof BindException) {
            err.println(name + ": " + cause.getMessage() + " (is another process using the port? " + bindHint(cause.getMessage()) + ")");
            code = ExitCodes.BIND_FAILED;
        } else {
            err.println(name + ": failed: " + e);
            e.printStackTrace(err);
            code = ExitCodes.FAILURE;
        }
        err.flush();
        return code;
    }
}
