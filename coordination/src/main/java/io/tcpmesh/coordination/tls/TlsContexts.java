package io.tcpmesh.coordination.tls;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Builds {@link SSLContext}s from PEM files, and the protocol rules every tcpmesh TLS endpoint follows:
 * TLS 1.3 and 1.2 only.
 */
public final class TlsContexts {
    /** The protocols tcpmesh enables, newest first. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private static final char[] NO_PASSWORD = new char[0];

    private TlsContexts() {
    }

    /** A server context presenting the certificate chain; it trusts the client CA bundle, if any. */
    public static SSLContext server(TlsServerConfig config) {
        KeyManager[] keys = keyManagers(config.certificate(), config.key());
        TrustManager[] trust = config.clientCa().map(TlsContexts::trustManagers).orElse(null);
        return context(keys, trust);
    }

    /** A client context verifying servers against the CA bundle, or verifying nothing when insecure. */
    public static SSLContext client(TlsClientConfig config) {
        KeyManager[] keys = config.certificate().isPresent()
                ? keyManagers(config.certificate().get(), config.key().get())
                : null;
        TrustManager[] trust = config.insecure()
                ? new TrustManager[] {new TrustEverything()}
                : trustManagers(config.ca().get());
        return context(keys, trust);
    }

    /** Restricts an engine to {@link #PROTOCOLS}. */
    public static void restrictProtocols(SSLEngine engine) {
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(PROTOCOLS.toArray(String[]::new));
        engine.setSSLParameters(parameters);
    }

    private static SSLContext context(KeyManager[] keys, TrustManager[] trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make a TLS context: " + e.getMessage(), e);
        }
    }

    static KeyManager[] keyManagers(Path certificateFile, Path keyFile) {
        List<X509Certificate> chain = PemFiles.certificates(certificateFile);
        PrivateKey key = PemFiles.privateKey(keyFile);
        PemFiles.checkPair(keyFile, key, chain.get(0));
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("tcpmesh", key, NO_PASSWORD, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, NO_PASSWORD);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException(certificateFile + ", " + keyFile + ": cannot use them as a TLS key: " + e.getMessage());
        }
    }

    static TrustManager[] trustManagers(Path caFile) {
        List<X509Certificate> cas = PemFiles.certificates(caFile);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException(caFile + ": cannot use it as a CA bundle: " + e.getMessage());
        }
    }

    /** What {@code --tls-insecure} means: every certificate is accepted. */
    private static final class TrustEverything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
