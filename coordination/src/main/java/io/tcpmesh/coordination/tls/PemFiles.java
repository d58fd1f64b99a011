package io.tcpmesh.coordination.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files nginx and HAProxy users keep: X.509 certificate chains ({@code BEGIN CERTIFICATE})
 * and unencrypted PKCS#8 private keys ({@code BEGIN PRIVATE KEY}; RSA, EC, Ed25519 or Ed448).
 *
 * <p>The JDK parses both (CertificateFactory; Base64 and PKCS8EncodedKeySpec), so no extra library is
 * needed. Every failure is an {@link IllegalArgumentException} whose message names the file.
 */
public final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

    private PemFiles() {
    }

    /** Every certificate in the file, in order (leaf first for a chain). */
    public static List<X509Certificate> certificates(Path file) {
        String text = read(file);
        List<X509Certificate> certificates = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            if (m.group(1).equals("CERTIFICATE")) {
                certificates.add(certificate(file, decode(file, m.group(2))));
            }
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(file + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
        }
        return List.copyOf(certificates);
    }

    /** The one private key in the file. */
    public static PrivateKey privateKey(Path file) {
        String text = read(file);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            switch (m.group(1)) {
                case "PRIVATE KEY":
                    return pkcs8(file, decode(file, m.group(2)));
                case "RSA PRIVATE KEY":
                case "EC PRIVATE KEY":
                    throw new IllegalArgumentException(file + ": " + m.group(1) + " is not PKCS#8; convert it with"
                            + " 'openssl pkcs8 -topk8 -nocrypt -in " + file + " -out KEY.pem'");
                case "ENCRYPTED PRIVATE KEY":
                    throw new IllegalArgumentException(file + ": the key is encrypted; decrypt it with"
                            + " 'openssl pkcs8 -in " + file + " -out KEY.pem'");
                default:
                    // another block (a certificate kept in the same file): look further
            }
        }
        throw new IllegalArgumentException(file + ": no PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----) in it");
    }

    /** Fails unless the key signs what the certificate's public key verifies. */
    public static void checkPair(Path keyFile, PrivateKey key, X509Certificate leaf) {
        byte[] probe = "tcpmesh key check".getBytes(StandardCharsets.US_ASCII);
        try {
            String algorithm = signatureAlgorithm(key);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (java.security.GeneralSecurityException e) {
            // a key of another type than the certificate's: not a pair either
        }
        throw new IllegalArgumentException(keyFile + ": the key does not belong to the certificate "
                + leaf.getSubjectX500Principal().getName());
    }

    private static String signatureAlgorithm(PrivateKey key) {
        switch (key.getAlgorithm()) {
            case "RSA":
                return "SHA256withRSA";
            case "EC":
                return "SHA256withECDSA";
            default:
                return key.getAlgorithm(); // Ed25519, Ed448
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + ": cannot read it: " + e.getMessage());
        }
    }

    private static byte[] decode(Path file, String base64) {
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": bad Base64 in a PEM block: " + e.getMessage());
        }
    }

    private static X509Certificate certificate(Path file, byte[] der) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new IllegalArgumentException(file + ": not an X.509 certificate: " + e.getMessage());
        }
    }

    private static PrivateKey pkcs8(Path file, byte[] der) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException | NoSuchAlgorithmException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(file + ": not a PKCS#8 RSA, EC, Ed25519 or Ed448 private key");
    }
}
