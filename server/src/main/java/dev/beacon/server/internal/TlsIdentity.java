package dev.beacon.server.internal;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * What a server presents over TLS: its certificate chain and private key, read from PEM files (the chain, the server's
 * certificate first; an unencrypted PKCS#8 key) or from a PKCS#12 keystore holding one key entry, as an
 * {@link SSLContext} for the JDK's HttpsServer that speaks TLS 1.2 and 1.3 only. Loading checks everything a client
 * would otherwise find out one handshake at a time: that the files are what they should be, that the key is the
 * certificate's, that the certificate is valid now, and that its key is RSA or EC. Every failure is an
 * {@link IllegalArgumentException} that names the file and says what was expected; an encrypted or PKCS#1/SEC1 key
 * gets the {@code openssl} command that converts it. Passwords are never part of a message. Immutable.
 */
public final class TlsIdentity {

    /** The protocols offered, newest first: TLS 1.0 and 1.1 are never spoken. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private static final long MAX_PEM_BYTES = 1024 * 1024;
    private static final Pattern PEM_BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC");
    /** The password of the in-memory keystore handed to the KeyManagerFactory; it never leaves this JVM. */
    private static final char[] IN_MEMORY = "beacon-in-memory".toCharArray();

    private final SSLContext context;
    private final X509Certificate certificate;

    private TlsIdentity(SSLContext context, X509Certificate certificate) {
        this.context = context;
        this.certificate = certificate;
    }

    /**
     * Reads a PEM certificate chain and its PEM private key.
     *
     * @param certificateChain one or more {@code -----BEGIN CERTIFICATE-----} blocks, the server's own first
     * @param privateKey       the server certificate's key, unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}),
     *                         RSA or EC
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static TlsIdentity fromPem(Path certificateChain, Path privateKey) {
        List<X509Certificate> chain = readCertificates(certificateChain);
        X509Certificate leaf = chain.get(0);
        String algorithm = checkKeyAlgorithm(leaf, "the first certificate in " + certificateChain);
        PrivateKey key = readPrivateKey(privateKey, algorithm);
        if (!belongTogether(key, leaf)) {
            throw new IllegalArgumentException("the private key in " + privateKey + " does not belong to the first "
                    + "certificate in " + certificateChain + " (" + leaf.getSubjectX500Principal().getName()
                    + "): give the server's own certificate first, then its intermediates, and that certificate's key");
        }
        checkValidity(leaf, certificateChain.toString());
        return new TlsIdentity(context(key, chain.toArray(X509Certificate[]::new)), leaf);
    }

    /**
     * Reads a PKCS#12 keystore with exactly one private key entry (its certificate chain with it), whose password is
     * the keystore's.
     *
     * @throws IllegalArgumentException naming the file and what is wrong (the password is never shown)
     */
    public static TlsIdentity fromPkcs12(Path keystore, char[] password) {
        if (password == null) {
            throw new IllegalArgumentException("the PKCS#12 keystore " + keystore + " needs its password");
        }
        KeyStore store;
        try (InputStream in = Files.newInputStream(keystore)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("cannot read the PKCS#12 keystore " + keystore + ": no such file", e);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new IllegalArgumentException("cannot open the PKCS#12 keystore " + keystore
                        + ": the password is wrong", e);
            }
            throw new IllegalArgumentException("cannot read " + keystore + " as a PKCS#12 keystore (" + e.getMessage()
                    + "); expected a .p12/.pfx file, such as 'openssl pkcs12 -export -in cert.pem -inkey key.pem "
                    + "-out server.p12' writes", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read " + keystore + " as a PKCS#12 keystore: " + e.getMessage(),
                    e);
        }
        try {
            List<String> keyAliases = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    keyAliases.add(alias);
                }
            }
            if (keyAliases.size() != 1) {
                throw new IllegalArgumentException("the PKCS#12 keystore " + keystore + " holds " + keyAliases.size()
                        + " private keys" + (keyAliases.isEmpty() ? "" : " (" + String.join(", ", keyAliases) + ")")
                        + "; expected exactly one, with its certificate chain");
            }
            String alias = keyAliases.get(0);
            Key key;
            try {
                key = store.getKey(alias, password);
            } catch (UnrecoverableKeyException e) {
                throw new IllegalArgumentException("the key '" + alias + "' in the PKCS#12 keystore " + keystore
                        + " has another password than the keystore; expected the same password for both", e);
            }
            Certificate[] chain = store.getCertificateChain(alias);
            if (!(key instanceof PrivateKey privateKey) || chain == null || chain.length == 0
                    || !(chain[0] instanceof X509Certificate leaf)) {
                throw new IllegalArgumentException("the key '" + alias + "' in the PKCS#12 keystore " + keystore
                        + " has no X.509 certificate chain; expected a private key with its certificate chain");
            }
            checkKeyAlgorithm(leaf, "the certificate of '" + alias + "' in " + keystore);
            checkValidity(leaf, keystore.toString());
            X509Certificate[] x509Chain = new X509Certificate[chain.length];
            for (int i = 0; i < chain.length; i++) {
                x509Chain[i] = (X509Certificate) chain[i];
            }
            return new TlsIdentity(context(privateKey, x509Chain), leaf);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the key entry of the PKCS#12 keystore " + keystore + ": "
                    + e.getMessage(), e);
        }
    }

    /** The configuration the JDK's HttpsServer applies to each connection: this identity, TLS 1.2 and 1.3 only. */
    public HttpsConfigurator configurator() {
        return new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters parameters) {
                parameters.setSSLParameters(sslParameters());
            }
        };
    }

    /** The parameters of every connection: the context's defaults restricted to {@link #PROTOCOLS}, no client auth. */
    SSLParameters sslParameters() {
        SSLParameters parameters = context.getDefaultSSLParameters();
        List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getProtocols());
        parameters.setProtocols(PROTOCOLS.stream().filter(supported::contains).toArray(String[]::new));
        parameters.setNeedClientAuth(false);
        return parameters;
    }

    /** The server's own certificate, the first of its chain. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** Such as {@code CN=orders.example.com, EC, valid until 2027-01-31T12:00:00Z}: no secret in it. */
    public String describe() {
        return certificate.getSubjectX500Principal().getName() + ", " + certificate.getPublicKey().getAlgorithm()
                + ", valid until " + certificate.getNotAfter().toInstant();
    }

    @Override
    public String toString() {
        return "TlsIdentity[" + describe() + "]";
    }

    private static List<X509Certificate> readCertificates(Path file) {
        String text = readPem(file, "TLS certificate file");
        List<X509Certificate> chain = new ArrayList<>();
        List<String> others = new ArrayList<>();
        Matcher block = PEM_BLOCK.matcher(text);
        while (block.find()) {
            if (!block.group(1).equals("CERTIFICATE")) {
                others.add(block.group(1));
                continue;
            }
            try {
                CertificateFactory factory = CertificateFactory.getInstance("X.509");
                chain.add((X509Certificate) factory.generateCertificate(
                        new ByteArrayInputStream(decode(block.group(2), file, chain.size() + 1))));
            } catch (CertificateException e) {
                throw new IllegalArgumentException("certificate " + (chain.size() + 1) + " in " + file
                        + " is not a valid X.509 certificate: " + e.getMessage(), e);
            }
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the TLS certificate file " + file + " holds no PEM certificate"
                    + (others.stream().anyMatch(label -> label.endsWith("PRIVATE KEY"))
                    ? " but a private key: give the certificate chain as the certificate and the key as the key"
                    : others.isEmpty() ? " (expected -----BEGIN CERTIFICATE-----; a DER file converts with "
                    + "'openssl x509 -inform der -in " + file + " -out cert.pem')"
                    : " (expected -----BEGIN CERTIFICATE-----, found " + String.join(", ", others) + ")"));
        }
        return chain;
    }

    private static PrivateKey readPrivateKey(Path file, String algorithm) {
        String text = readPem(file, "TLS private key file");
        Matcher block = PEM_BLOCK.matcher(text);
        List<String> labels = new ArrayList<>();
        String pkcs8 = null;
        while (block.find()) {
            String label = block.group(1);
            labels.add(label);
            if (label.equals("PRIVATE KEY")) {
                if (pkcs8 != null) {
                    throw new IllegalArgumentException("the TLS private key file " + file + " holds more than one "
                            + "private key; expected the one key of the certificate");
                }
                pkcs8 = block.group(2);
            }
        }
        if (pkcs8 == null) {
            throw new IllegalArgumentException(noPkcs8KeyMessage(file, labels, text));
        }
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(decode(pkcs8, file, 1)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the private key in " + file + " is not a valid " + algorithm
                    + " key, as the certificate's key is (" + e.getMessage() + ")", e);
        }
    }

    private static String noPkcs8KeyMessage(Path file, List<String> labels, String text) {
        String convert = "convert it with 'openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key-pkcs8.pem'";
        if (labels.contains("ENCRYPTED PRIVATE KEY")) {
            return "the TLS private key in " + file + " is encrypted; Beacon reads an unencrypted PKCS#8 key (keep "
                    + "the file readable by the server's user only): decrypt it with 'openssl pkcs8 -in " + file
                    + " -out key-pkcs8.pem' (it asks for the passphrase), or use a PKCS#12 keystore with a password";
        }
        for (String legacy : List.of("RSA PRIVATE KEY", "EC PRIVATE KEY")) {
            if (labels.contains(legacy)) {
                boolean encrypted = text.contains("Proc-Type: 4,ENCRYPTED");
                return "the TLS private key in " + file + " is " + (encrypted ? "an encrypted " : "a ")
                        + (legacy.startsWith("RSA") ? "PKCS#1" : "SEC1") + " key (-----BEGIN " + legacy + "-----); "
                        + "Beacon reads an unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----): " + convert
                        + (encrypted ? " (it asks for the passphrase)" : "");
            }
        }
        if (labels.contains("CERTIFICATE")) {
            return "the TLS private key file " + file + " holds a certificate but no private key: give the "
                    + "certificate chain as the certificate and the key as the key";
        }
        return "the TLS private key file " + file + " holds no PEM private key (expected an unencrypted PKCS#8 key, "
                + "-----BEGIN PRIVATE KEY-----" + (labels.isEmpty() ? "" : "; found " + String.join(", ", labels))
                + ")";
    }

    private static String readPem(Path file, String what) {
        try {
            long size = Files.size(file);
            if (size > MAX_PEM_BYTES) {
                throw new IllegalArgumentException("the " + what + " " + file + " has " + size + " bytes; a PEM file "
                        + "of at most " + MAX_PEM_BYTES + " bytes is expected");
            }
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("cannot read the " + what + " " + file + ": no such file", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the " + what + " " + file + ": " + e, e);
        }
    }

    private static byte[] decode(String base64, Path file, int block) {
        try {
            return Base64.getMimeDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("PEM block " + block + " in " + file + " is not valid base64: "
                    + e.getMessage(), e);
        }
    }

    private static String checkKeyAlgorithm(X509Certificate certificate, String where) {
        String algorithm = certificate.getPublicKey().getAlgorithm();
        if (!KEY_ALGORITHMS.contains(algorithm)) {
            throw new IllegalArgumentException(where + " has a " + algorithm + " key; Beacon serves certificates "
                    + "with RSA or EC keys");
        }
        return algorithm;
    }

    private static void checkValidity(X509Certificate certificate, String file) {
        try {
            certificate.checkValidity();
        } catch (CertificateExpiredException e) {
            throw new IllegalArgumentException("the certificate in " + file + " ("
                    + certificate.getSubjectX500Principal().getName() + ") expired at "
                    + certificate.getNotAfter().toInstant() + "; renew it", e);
        } catch (CertificateNotYetValidException e) {
            throw new IllegalArgumentException("the certificate in " + file + " ("
                    + certificate.getSubjectX500Principal().getName() + ") is not valid before "
                    + certificate.getNotBefore().toInstant() + " (now is " + Instant.now()
                    + "); check this machine's clock", e);
        }
    }

    /** Whether {@code key} signs what the certificate's public key verifies. */
    private static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        byte[] probe = "beacon key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // for example an EC key of another curve than the certificate's
        }
    }

    private static SSLContext context(PrivateKey key, X509Certificate[] chain) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, IN_MEMORY, chain);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, IN_MEMORY);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS with a valid " + key.getAlgorithm() + " key: " + e, e);
        }
    }
}
