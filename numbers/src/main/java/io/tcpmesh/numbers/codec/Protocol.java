package io.tcpmesh.numbers.codec;

/** Constants of the numbers protocol; docs/numbers-protocol.md is the specification. */
public final class Protocol {
    public static final int VERSION = 1;
    /** Longest line a client may send, line feed included. */
    public static final int MAX_CLIENT_LINE = 256;
    /** Longest line a server sends, line feed included (the last stateless messages are ~19,740 bytes). */
    public static final int MAX_SERVER_LINE = 20_480;
    public static final int MAX_COUNT = 0xffff;

    private Protocol() {
    }

    /** Client ids are ZooKeeper node names: a UUID, or up to 64 letters, digits, '.', '_' or '-'. */
    public static boolean validClientId(String id) {
        return id != null && id.matches("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");
    }
}
