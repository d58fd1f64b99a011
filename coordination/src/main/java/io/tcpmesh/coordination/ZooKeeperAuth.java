package io.tcpmesh.coordination;

import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The tcpmesh writer identity: ZooKeeper digest authentication as user {@value #USER} with a secret read
 * from a file ({@code --zk-auth FILE}).
 *
 * <p>The file holds the secret on its first line: 16 to 256 printable ASCII characters without spaces
 * (such as the output of {@code openssl rand -hex 32}); a trailing newline is ignored, and so is anything
 * after the first line. The secret itself is never logged and never printed: {@link #toString()} names the
 * file only.
 *
 * <p>Every node a client with this identity creates gets {@link #acl()}: this identity may do everything,
 * everyone else may only read.
 */
public final class ZooKeeperAuth {
    /** The ZooKeeper digest user every tcpmesh process authenticates as. */
    public static final String USER = "tcpmesh";
    /** The environment variable a {@code --zk-auth} option falls back to. */
    public static final String ENV = "TCPMESH_ZK_AUTH";
    /** The help text of every {@code --zk-auth} option. */
    public static final String OPTION_HELP = "File holding the tcpmesh ZooKeeper secret (default: $TCPMESH_ZK_AUTH). "
            + "With it, tcpmesh nodes are created writable only with this secret and readable by all; without it, open to all.";

    private static final Logger log = LoggerFactory.getLogger(ZooKeeperAuth.class);
    private static final int MIN_CHARS = 16;
    private static final int MAX_CHARS = 256;

    private final Path file;
    private final String secret;
    private final String digestId;

    private ZooKeeperAuth(Path file, String secret) {
        this.file = file;
        this.secret = secret;
        this.digestId = digest(USER + ":" + secret);
    }

    /**
     * Reads the secret from the file. Throws {@link IllegalArgumentException} naming {@code --zk-auth}
     * and the file when it is missing, unreadable or holds no valid secret.
     */
    public static ZooKeeperAuth read(Path file) {
        Objects.requireNonNull(file, "file cannot be null");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--zk-auth: " + file + " does not exist");
        } catch (MalformedInputException e) {
            throw new IllegalArgumentException("--zk-auth: " + file + " is not ASCII text; the secret is printable ASCII");
        } catch (IOException e) {
            throw new IllegalArgumentException("--zk-auth: cannot read " + file + ": " + e.getMessage());
        }
        ZooKeeperAuth auth = new ZooKeeperAuth(file, validate(firstLine(text), file));
        warnIfOthersCanRead(file);
        return auth;
    }

    /** {@link #read} of the path, or null when there is none. */
    public static ZooKeeperAuth readIfGiven(Path file) {
        return file == null ? null : read(file);
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private static String validate(String secret, Path file) {
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("--zk-auth: " + file + " is empty; put a secret on its first line (openssl rand -hex 32 > " + file + ")");
        }
        if (secret.length() < MIN_CHARS || secret.length() > MAX_CHARS) {
            throw new IllegalArgumentException("--zk-auth: the secret in " + file + " has " + secret.length()
                    + " characters; it needs " + MIN_CHARS + " to " + MAX_CHARS);
        }
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw new IllegalArgumentException("--zk-auth: the secret in " + file
                        + " holds a space or a control character (position " + (i + 1) + "); use printable ASCII only");
            }
        }
        return secret;
    }

    private static void warnIfOthersCanRead(Path file) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
                log.warn("--zk-auth: {} is readable by other users; chmod 600 it", file);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
    }

    private static String digest(String idPassword) {
        try {
            return DigestAuthenticationProvider.generateDigest(idPassword);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA1 for ZooKeeper digest authentication", e);
        }
    }

    /** The file the secret came from, for messages. */
    public Path file() {
        return file;
    }

    /** The credentials ZooKeeper's {@code addAuthInfo("digest", ...)} takes. */
    public byte[] credentials() {
        return (USER + ":" + secret).getBytes(StandardCharsets.US_ASCII);
    }

    /** The ACL id of this identity: {@code digest} scheme, {@code tcpmesh:BASE64(SHA1(tcpmesh:SECRET))}. */
    public Id id() {
        return new Id("digest", digestId);
    }

    /** The ACL of every node tcpmesh creates: this identity all permissions, everyone else read. */
    public List<ACL> acl() {
        // not List.of: ZooKeeper asks the list whether it contains null, which List.of answers with an exception
        return Collections.unmodifiableList(Arrays.asList(new ACL(ZooDefs.Perms.ALL, id()), new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE)));
    }

    @Override
    public String toString() {
        return "tcpmesh ZooKeeper secret from " + file;
    }
}
