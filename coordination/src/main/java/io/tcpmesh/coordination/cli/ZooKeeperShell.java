package io.tcpmesh.coordination.cli;

import io.tcpmesh.coordination.ZooKeeperAuth;
import org.apache.zookeeper.ZooKeeperMain;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code dist/zkcli.sh --write}: ZooKeeper's own command line ({@link ZooKeeperMain}), with the same
 * arguments, on a session authenticated with the tcpmesh secret read from a file, so that it may change
 * tcpmesh nodes. The secret never appears on a command line or in the output.
 *
 * <p>Arguments: {@code --zk-auth FILE}, then ZooKeeperMain's own ({@code -server HOST:PORT[,...]
 * [COMMAND ARGS...]}); without a command it reads commands from standard input, one a line. Exit code:
 * that of the last command (0 when it worked), 2 for a bad secret file.
 */
public final class ZooKeeperShell extends ZooKeeperMain {
    private static final Set<String> OPTIONS_WITH_VALUE = Set.of("-server", "-timeout", "-client-configuration");
    private static final Set<String> FLAGS = Set.of("-r", "-waitforconnection", "-secure");

    /** Static because ZooKeeperMain connects from its constructor, before this class's fields exist. */
    private static volatile ZooKeeperAuth auth;

    private ZooKeeperShell(String[] args) throws IOException, InterruptedException {
        super(args);
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        System.exit(run(args));
    }

    static int run(String[] args) throws IOException, InterruptedException {
        if (args.length < 2 || !args[0].equals("--zk-auth")) {
            System.err.println("usage: ZooKeeperShell --zk-auth FILE -server HOST:PORT[,...] [COMMAND ARGS...]");
            return 2;
        }
        try {
            auth = ZooKeeperAuth.read(Path.of(args[1]));
        } catch (IllegalArgumentException e) {
            System.err.println("zkcli.sh: " + e.getMessage());
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 2, args.length);
        ZooKeeperShell shell = new ZooKeeperShell(rest);
        try {
            return hasCommand(Arrays.asList(rest)) ? shell.once() : shell.interactive();
        } finally {
            shell.printWatches = false; // closing is no news for the user
            shell.zk.close();
        }
    }

    /** Adds the digest credentials to every connection the CLI makes; ZooKeeper sends them at session start. */
    @Override
    protected void connectToZK(String newHost) throws InterruptedException, IOException {
        super.connectToZK(newHost);
        zk.addAuthInfo("digest", auth.credentials());
    }

    private int once() throws IOException, InterruptedException {
        processCmd(cl);
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

    /** As ZooKeeperMain parses its arguments: anything after its options is the command. */
    static boolean hasCommand(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (OPTIONS_WITH_VALUE.contains(a)) {
                i++;
            } else if (!FLAGS.contains(a)) {
                return true;
            }
        }
        return false;
    }
}
