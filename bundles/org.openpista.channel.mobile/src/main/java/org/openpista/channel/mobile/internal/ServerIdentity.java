package org.openpista.channel.mobile.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's TLS certificate and key: the configured PEM files ({@code cert_file}, {@code key_file})
 * or a self-signed ECDSA (P-256) certificate that is generated once and kept under the home, owner
 * only, so its fingerprint stays what the phones pinned. Clients trust the certificate by its
 * SHA-256 fingerprint (the {@code fp} of the {@code openpista+quic://} link), not by a CA.
 *
 * @param chain the certificate first, then any intermediates
 * @param key its private key
 */
record ServerIdentity(List<X509Certificate> chain, PrivateKey key) {

    /** The alias of the key entry in {@link #keyStore()}. */
    static final String ALIAS = "openpista-mobile";
    /** Where the generated certificate and key live, relative to the home. */
    static final String GENERATED_DIR = "mobile";
    static final String GENERATED_CERT = "cert.pem";
    static final String GENERATED_KEY = "key.pem";

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");
    private static final char[] PASSWORD = "openpista".toCharArray();

    ServerIdentity {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("no certificate");
        }
    }

    /**
     * @param settings the channel's settings: {@code cert_file} and {@code key_file} when both are set
     * @param home the openpista home, where a generated certificate is kept
     * @return the configured certificate, or the generated one (generated now when missing)
     * @throws IOException when a file cannot be read or written, or holds no usable certificate or key
     */
    static ServerIdentity load(MobileSettings settings, Path home) throws IOException {
        if (settings.certFile() != null && settings.keyFile() != null) {
            return fromPem(settings.certFile(), settings.keyFile());
        }
        Path dir = home.resolve(GENERATED_DIR);
        Path cert = dir.resolve(GENERATED_CERT);
        Path key = dir.resolve(GENERATED_KEY);
        if (Files.isRegularFile(cert) && Files.isRegularFile(key)) {
            return fromPem(cert, key);
        }
        ServerIdentity generated = generate(settings.bind());
        generated.save(dir);
        return generated;
    }

    /** @return the certificate and key of two PEM files; the key in PKCS#8 ({@code BEGIN PRIVATE KEY}) */
    static ServerIdentity fromPem(Path certFile, Path keyFile) throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (byte[] der : blocks(certFile, "CERTIFICATE")) {
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (CertificateException e) {
            throw new IOException(certFile + " holds no readable certificate: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IOException(certFile + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        List<byte[]> keys = blocks(keyFile, "PRIVATE KEY");
        if (keys.isEmpty()) {
            throw new IOException(keyFile + " holds no PKCS#8 key (-----BEGIN PRIVATE KEY-----); convert one with: "
                    + "openssl pkcs8 -topk8 -nocrypt -in KEY -out " + keyFile.getFileName());
        }
        String algorithm = chain.get(0).getPublicKey().getAlgorithm();
        try {
            PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(keys.get(0)));
            return new ServerIdentity(chain, key);
        } catch (GeneralSecurityException e) {
            throw new IOException(keyFile + " holds no " + algorithm + " key for the certificate of " + certFile + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * @param bind the address the server listens on; it joins the names the certificate is for
     * @return a new self-signed ECDSA P-256 certificate, valid for 10 years
     */
    static ServerIdentity generate(String bind) throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = generator.generateKeyPair();
            byte[] name = Der.sequence(Der.set(Der.sequence(Der.oid("2.5.4.3"), Der.utf8("openpista mobile"))));
            byte[] algorithm = Der.sequence(Der.oid("1.2.840.10045.4.3.2")); // ecdsa-with-SHA256
            ZonedDateTime now = ZonedDateTime.now();
            byte[] serial = new byte[16];
            new SecureRandom().nextBytes(serial);
            byte[] tbs = Der.sequence(
                    Der.explicit(0, Der.integer(BigInteger.TWO)), // v3
                    Der.integer(new BigInteger(1, serial)),
                    algorithm,
                    name,
                    Der.sequence(Der.time(now.minusDays(1)), Der.time(now.plusYears(10))),
                    name,
                    pair.getPublic().getEncoded(),
                    Der.explicit(3, Der.sequence(Der.sequence(Der.oid("2.5.29.17"),
                            Der.octetString(subjectAltNames(bind))))));
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(pair.getPrivate());
            signer.update(tbs);
            byte[] der = Der.sequence(tbs, algorithm, Der.bitString(signer.sign()));
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            return new ServerIdentity(List.of(certificate), pair.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate a certificate: " + e.getMessage(), e);
        }
    }

    /** @return the certificate's SHA-256 fingerprint as the link carries it: {@code sha256:} and 64 hex digits */
    String fingerprint() {
        return fingerprint(chain.get(0));
    }

    static String fingerprint(X509Certificate certificate) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot take the certificate's fingerprint", e);
        }
    }

    /**
     * @return an in-memory key store with the certificate and key under {@link #ALIAS}, for kwik. A
     *     JKS store: it is never written, and PKCS#12 would encrypt the key with 10,000 rounds of
     *     PBKDF2 to put it in and again to take it out (~40 ms of CPU at every start, against ~1 ms)
     */
    KeyStore keyStore() throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("JKS");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, PASSWORD, chain.toArray(new X509Certificate[0]));
            return store;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot hold the certificate in a key store: " + e.getMessage(), e);
        }
    }

    /** @return the key store's password */
    static char[] password() {
        return PASSWORD.clone();
    }

    /** Writes the certificate and key as PEM files, readable by the owner only. */
    void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            StringBuilder certificates = new StringBuilder();
            for (X509Certificate certificate : chain) {
                certificates.append(pem("CERTIFICATE", certificate.getEncoded()));
            }
            // the key first: a certificate without its key would be regenerated over
            write(dir.resolve(GENERATED_KEY), pem("PRIVATE KEY", key.getEncoded()));
            write(dir.resolve(GENERATED_CERT), certificates.toString());
        } catch (CertificateException e) {
            throw new IOException("cannot encode the certificate: " + e.getMessage(), e);
        }
    }

    private static void write(Path file, String text) throws IOException {
        Path temporary = Files.createTempFile(file.getParent(), file.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temporary, text, StandardCharsets.US_ASCII);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static List<byte[]> blocks(Path file, String type) throws IOException {
        List<byte[]> found = new ArrayList<>();
        Matcher matcher = PEM.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        while (matcher.find()) {
            if (matcher.group(1).equals(type)) {
                try {
                    found.add(Base64.getMimeDecoder().decode(matcher.group(2)));
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": a " + type + " block is not Base64", e);
                }
            }
        }
        return found;
    }

    /** @return GeneralNames: localhost, the loopback addresses, this machine's name and the bind address */
    private static byte[] subjectAltNames(String bind) {
        Set<String> names = new LinkedHashSet<>(List.of("localhost"));
        Set<InetAddress> addresses = new LinkedHashSet<>();
        addresses.add(InetAddress.getLoopbackAddress());
        try {
            addresses.add(InetAddress.getByName("::1"));
            if (bind != null && MobileSettings.isAddressLiteral(bind) && !InetAddress.getByName(bind).isAnyLocalAddress()) {
                addresses.add(InetAddress.getByName(bind));
            }
            String host = InetAddress.getLocalHost().getHostName();
            if (host.matches("[A-Za-z0-9.-]+")) {
                names.add(host);
            }
        } catch (IOException e) {
            // the certificate is pinned by its fingerprint; the names are a courtesy to other clients
        }
        List<byte[]> entries = new ArrayList<>();
        for (String name : names) {
            entries.add(Der.implicit(2, name.getBytes(StandardCharsets.US_ASCII)));
        }
        for (InetAddress address : addresses) {
            entries.add(Der.implicit(7, address.getAddress()));
        }
        return Der.sequence(entries.toArray(new byte[0][]));
    }
}
