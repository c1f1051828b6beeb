package org.openpista.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An HTTP/1.1 POST that sends its head and only part of its body, then reads the status of the
 * answer: for testing that a server refuses an oversized body before reading it all. The server has
 * then read everything that was sent when it answers, so closing the connection on the unfinished
 * body cannot reset it under the answer (as it can when a client is still writing a large body).
 */
public final class PartialHttpRequest {

    private PartialHttpRequest() {}

    /**
     * @param endpoint where to POST ({@code http://host:port/path})
     * @param headers further request headers (no {@code Host}, no length)
     * @param lengthHeader {@code Content-Length: N} or {@code Transfer-Encoding: chunked}
     * @param someBody the part of the body that is sent (already chunk-encoded for chunked)
     * @return the status code of the answer
     * @throws IOException when no status line arrives within 10 s or the connection fails
     */
    public static int status(URI endpoint, Map<String, String> headers, String lengthHeader, byte[] someBody)
            throws IOException {
        try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
            socket.setSoTimeout(10_000);
            StringBuilder head = new StringBuilder("POST " + endpoint.getRawPath() + " HTTP/1.1\r\n");
            head.append("Host: ").append(endpoint.getHost()).append("\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            head.append(lengthHeader).append("\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(someBody);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String statusLine = in.readLine();
            if (statusLine == null || !statusLine.startsWith("HTTP/1.1 ")) {
                throw new IOException("no HTTP status line, got " + statusLine);
            }
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    /** @return {@code bytes} as the first chunk of a chunked body (the terminating chunk is not there) */
    public static byte[] firstChunk(byte[] bytes) {
        byte[] size = (Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = new byte[size.length + bytes.length + 2];
        System.arraycopy(size, 0, chunk, 0, size.length);
        System.arraycopy(bytes, 0, chunk, size.length, bytes.length);
        chunk[chunk.length - 2] = '\r';
        chunk[chunk.length - 1] = '\n';
        return chunk;
    }
}
