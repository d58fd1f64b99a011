package io.tcpmesh.coordination.cli;

import io.tcpmesh.coordination.ZooKeeperAuth;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeperMain;
import org.apache.zookeeper.admin.ZooKeeperAdmin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code dist/zkcli.sh --write}: ZooKeeper's own command line ({@link ZooKeeperMain}) on a session that is
 * authenticated with the tcpmesh secret, read from a file, so that it may change tcpmesh nodes. The secret
 * never appears on a command line or in the output.
 *
 * <p>Arguments: {@code --zk-auth FILE -server HOST:PORT[,...] [COMMAND ARGS...]}; without a command it
 * reads commands from standard input, one a line. Exit code: that of the last command (0 when it worked).
 */
public final class ZooKeeperShell extends ZooKeeperMain {
    private static final int TIMEOUT_MS = 30_000;

    private ZooKeeperShell(ZooKeeperAdmin zk) {
        super(zk);
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        System.exit(run(args));
    }

    static int run(String[] args) throws IOException, InterruptedException {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        String authFile = null;
        String server = null;
        while (rest.size() >= 2 && (rest.get(0).equals("--zk-auth") || rest.get(0).equals("-server"))) {
            String name = rest.remove(0);
            String value = rest.remove(0);
            if (name.equals("--zk-auth")) {
                authFile = value;
            } else {
                server = value;
            }
        }
        if (authFile == null || server == null) {
            System.err.println("usage: ZooKeeperShell --zk-auth FILE -server HOST:PORT[,...] [COMMAND ARGS...]");
            return 2;
        }
        ZooKeeperAuth auth;
        try {
            auth = ZooKeeperAuth.read(Path.of(authFile));
        } catch (IllegalArgumentException e) {
            System.err.println("zkcli.sh: " + e.getMessage());
            return 2;
        }
        CountDownLatch connected = new CountDownLatch(1);
        Watcher watcher = event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        };
        ZooKeeperAdmin zk = new ZooKeeperAdmin(server, TIMEOUT_MS, watcher);
        try {
            zk.addAuthInfo("digest", auth.credentials());
            if (!connected.await(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                System.err.println("zkcli.sh: ZooKeeper " + server + " did not answer within " + TIMEOUT_MS / 1000 + " s");
                return 1;
            }
            ZooKeeperShell shell = new ZooKeeperShell(zk);
            return rest.isEmpty() ? shell.interactive() : shell.once(rest);
        } finally {
            zk.close();
        }
    }

    private int once(List<String> command) throws IOException, InterruptedException {
        StringBuilder line = new StringBuilder();
        for (String word : command) {
            line.append(line.length() == 0 ? "" : " ").append(quote(word));
        }
        executeLine(line.toString());
        return exitCode;
    }

    private int interactive() throws IOException, InterruptedException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            executeLine(line.trim());
        }
        return exitCode;
    }

    /** ZooKeeperMain splits a line at spaces, keeping text in '...' or "..." whole. */
    private static String quote(String word) {
        if (!word.isEmpty() && word.chars().noneMatch(c -> c == ' ' || c == '\t' || c == '"' || c == '\'')) {
            return word;
        }
        if (!word.contains("'")) {
            return "'" + word + "'";
        }
        if (!word.contains("\"")) {
            return "\"" + word + "\"";
        }
        throw new IllegalArgumentException("an argument with spaces and both kinds of quotes cannot be passed to the ZooKeeper CLI: "
                + word.length() + " characters starting " + word.substring(0, Math.min(20, word.length())));
    }
}
