package org.openpista.channel.web.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key store Jetty serves HTTPS with, in {@code web-tls/} of the openpista home (folder 700,
 * files 600): made from {@code tls_cert} and {@code tls_key} (PEM, as Let's Encrypt and {@code
 * openssl} write them) at every start, or a self-signed certificate generated once with the JDK's
 * {@code keytool} ({@code tls_self_signed = true}) for this machine's names and addresses, kept for
 * later starts so a phone that trusted it once keeps trusting it.
 *
 * @param file the PKCS#12 file
 * @param password its password (a random one, kept beside it owner-only)
 */
record TlsKeystore(Path file, String password) {

    static final String FOLDER = "web-tls";
    static final String ALIAS = "openpista";

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    /**
     * @return the key store for the configured certificate and key
     * @throws IOException with a message naming the file and what is wrong
     */
    static TlsKeystore fromPem(Path home, Path certFile, Path keyFile) throws IOException {
        List<Certificate> chain;
        try {
            chain = new ArrayList<>(CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(certFile))));
        } catch (GeneralSecurityException e) {
            throw new IOException("[channels.web] tls_cert " + certFile + " holds no PEM certificate: " + e.getMessage());
        }
        if (chain.isEmpty()) {
            throw new IOException("[channels.web] tls_cert " + certFile + " holds no PEM certificate");
        }
        PrivateKey key = privateKey(keyFile);
        String password = randomPassword();
        Path folder = folder(home);
        Path file = folder.resolve("configured.p12");
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, password.toCharArray(), chain.toArray(Certificate[]::new));
            try (OutputStream out = Files.newOutputStream(privateFile(file), StandardOpenOption.TRUNCATE_EXISTING)) {
                store.store(out, password.toCharArray());
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("[channels.web] tls_key " + keyFile + " does not fit tls_cert " + certFile + ": "
                    + e.getMessage());
        }
        return new TlsKeystore(file, password);
    }

    /**
     * @param names host names and IP addresses the certificate is for
     * @return the self-signed key store, generated on first use
     * @throws IOException when keytool is missing or fails
     */
    static TlsKeystore selfSigned(Path home, List<String> names) throws IOException {
        Path folder = folder(home);
        Path file = folder.resolve("self-signed.p12");
        Path passwordFile = folder.resolve("self-signed.pass");
        if (Files.isRegularFile(file) && Files.isRegularFile(passwordFile)) {
            return new TlsKeystore(file, Files.readString(passwordFile).strip());
        }
        String password = randomPassword();
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new IOException("cannot generate a self-signed certificate: the Java runtime has no keytool (" + keytool
                    + "); set [channels.web] tls_cert and tls_key instead");
        }
        StringBuilder san = new StringBuilder();
        for (String name : names) {
            san.append(san.isEmpty() ? "" : ",").append(name.matches("[0-9.]+|.*:.*") ? "ip:" : "dns:").append(name);
        }
        Path partial = folder.resolve("self-signed.p12.partial");
        Files.deleteIfExists(partial);
        List<String> command = List.of(keytool.toString(), "-genkeypair", "-noprompt", "-alias", ALIAS,
                "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-validity", "825",
                "-dname", "CN=openpista", "-ext", "SAN=" + san, "-storetype", "PKCS12", "-keystore", partial.toString(),
                "-storepass:env", "OPENPISTA_TLS_PASS");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // the password goes through the child's environment, never its command line (visible in ps)
        builder.environment().clear();
        builder.environment().put("OPENPISTA_TLS_PASS", password);
        Process process = builder.start();
        String output;
        try {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool did not finish generating the certificate within 60 s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while generating the certificate");
        }
        if (process.exitValue() != 0 || !Files.isRegularFile(partial)) {
            throw new IOException("keytool could not generate the certificate (exit " + process.exitValue() + "): " + output);
        }
        Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(privateFile(passwordFile), password, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return new TlsKeystore(file, password);
    }

    /** @return the SHA-256 fingerprint of the served certificate, as browsers show it (AB:CD:…) */
    String fingerprint() throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(file)) {
                store.load(in, password.toCharArray());
            }
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(store.getCertificate(ALIAS).getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static PrivateKey privateKey(Path keyFile) throws IOException {
        String text = Files.readString(keyFile, StandardCharsets.US_ASCII);
        Matcher pem = PEM.matcher(text);
        while (pem.find()) {
            String kind = pem.group(1);
            byte[] der = Base64.getMimeDecoder().decode(pem.group(2).replaceAll("\\s", ""));
            if (kind.equals("PRIVATE KEY")) {
                for (String algorithm : List.of("RSA", "EC", "Ed25519", "EdDSA")) {
                    try {
                        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                    } catch (GeneralSecurityException notThisOne) {
                        // try the next algorithm
                    }
                }
                throw new IOException("[channels.web] tls_key " + keyFile + ": the key is neither RSA, EC nor Ed25519");
            }
            if (kind.equals("RSA PRIVATE KEY")) {
                try {
                    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs1ToPkcs8(der)));
                } catch (GeneralSecurityException e) {
                    throw new IOException("[channels.web] tls_key " + keyFile + ": unreadable RSA key: " + e.getMessage());
                }
            }
            if (kind.contains("ENCRYPTED")) {
                throw new IOException("[channels.web] tls_key " + keyFile + " is encrypted; write it without a passphrase: "
                        + "openssl pkey -in KEY -out key.pem");
            }
        }
        throw new IOException("[channels.web] tls_key " + keyFile + " holds no PEM private key (\"BEGIN PRIVATE KEY\"); "
                + "convert it with: openssl pkey -in KEY -out key.pem");
    }

    /** Wraps a PKCS#1 RSA key (what {@code BEGIN RSA PRIVATE KEY} holds) into PKCS#8, which Java reads. */
    static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
            0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = derElement(0x04, pkcs1);
        byte[] body = new byte[version.length + algorithm.length + octets.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
        System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
        return derElement(0x30, body);
    }

    private static byte[] derElement(int tag, byte[] content) {
        int length = content.length;
        byte[] header;
        if (length < 0x80) {
            header = new byte[] {(byte) tag, (byte) length};
        } else if (length < 0x100) {
            header = new byte[] {(byte) tag, (byte) 0x81, (byte) length};
        } else if (length < 0x10000) {
            header = new byte[] {(byte) tag, (byte) 0x82, (byte) (length >> 8), (byte) length};
        } else {
            header = new byte[] {(byte) tag, (byte) 0x83, (byte) (length >> 16), (byte) (length >> 8), (byte) length};
        }
        byte[] element = new byte[header.length + length];
        System.arraycopy(header, 0, element, 0, header.length);
        System.arraycopy(content, 0, element, header.length, length);
        return element;
    }

    private static Path folder(Path home) throws IOException {
        Path folder = home.resolve(FOLDER);
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder);
        }
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        return folder;
    }

    private static Path privateFile(Path file) throws IOException {
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
