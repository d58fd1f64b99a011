package io.tcpmesh.proxy.load;

/** What one request is. */
public enum Mode {
    /** Send the message on a kept-open connection and read every byte back. */
    ECHO,
    /** Open a connection, send the message, half-close, read 32 hex digits and a newline, check the digest. */
    MD5,
    /** Open a connection and close it: measures the connection rate. */
    CONNECT
}
