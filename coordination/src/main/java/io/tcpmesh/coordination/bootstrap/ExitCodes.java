package io.tcpmesh.coordination.bootstrap;

/** The exit codes every tcpmesh program uses. */
public final class ExitCodes {
    /** Stopped as asked. */
    public static final int OK = 0;
    /** Anything unexpected. */
    public static final int FAILURE = 1;
    /** A bad option, argument or configuration file. */
    public static final int BAD_OPTIONS = 2;
    /** A port could not be bound. */
    public static final int BIND_FAILED = 3;

    private ExitCodes() {
    }
}
