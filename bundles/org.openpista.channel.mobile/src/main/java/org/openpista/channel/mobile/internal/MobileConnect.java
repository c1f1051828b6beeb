package org.openpista.channel.mobile.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.openpista.channel.support.FrameFields;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mobile connect URI}: a line-based chat client over QUIC, for scripts, tests and a laptop
 * talking to a home server across a lossy network. Each line is a message; the answer streams to
 * standard output, everything else (approval questions, tool progress, reconnects) goes to standard
 * error. When the connection breaks, it reconnects and asks again with the same {@code message_id},
 * so the running turn is continued, not repeated. Approval questions are answered on the terminal;
 * at the end of the input they count as refused.
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = {"Chats with an openpista server over QUIC, pinning its certificate: one message per line, the "
                + "answer on standard output.", "URI: the link openpista mobile setup prints "
                + "(openpista+quic://HOST:PORT?token=…&fp=sha256:…).",
            "Commands: /new, /sessions, /history, /quit."})
final class MobileConnect implements Callable<Integer> {

    /** Reconnect attempts for one message before giving up, waiting 0.5 s, 1 s, 2 s, … 8 s between them. */
    static final int RECONNECTS = 10;

    @Parameters(index = "0", paramLabel = "URI", description = "The link with host, port, token and fingerprint.")
    String uri;

    @Option(names = "--device", paramLabel = "ID", description = "The device id; its session is mobile:ID "
            + "(default: connect-<this host>).")
    String device;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", description = "The connection's idle timeout; it is kept "
            + "alive with pings at half of it (default 30).")
    int idleSeconds = 30;

    private final PrintStream out = System.out;
    private final PrintStream err = System.err;
    private BufferedReader in;
    private ConnectUri target;
    private MobileClient client;
    private boolean failed;

    @Override
    public Integer call() throws IOException {
        try {
            target = ConnectUri.parse(uri);
        } catch (IllegalArgumentException e) {
            err.println("openpista: " + e.getMessage());
            return MobileCommand.USAGE;
        }
        if (device == null || device.isBlank()) {
            device = "connect-" + hostName();
        }
        in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            client = MobileClient.connect(target, device, Duration.ofSeconds(Math.max(5, idleSeconds)));
        } catch (IOException e) {
            err.println("openpista: cannot connect to " + target.host() + ":" + target.port() + ": " + FrameFields.describe(e));
            return MobileCommand.FAILED;
        }
        try {
            err.println("Connected to " + target.host() + ":" + target.port() + " as device " + device + ", session "
                    + client.authOk().path("session_id").asText() + ". One message per line; /quit to leave.");
            String line;
            while (prompt() && (line = in.readLine()) != null) {
                String text = line.strip();
                if (text.isEmpty()) {
                    continue;
                }
                if (text.equals("/quit") || text.equals("/exit")) {
                    break;
                }
                if (!command(text) && !send(text)) {
                    return MobileCommand.FAILED;
                }
            }
            return failed ? MobileCommand.FAILED : MobileCommand.OK;
        } finally {
            if (client != null) {
                client.close();
            }
        }
    }

    private boolean prompt() {
        if (System.console() != null) {
            err.print("> ");
            err.flush();
        }
        return true;
    }

    /** @return whether the line was a command (and has been run) */
    private boolean command(String text) throws IOException {
        JsonNode answer;
        switch (text.toLowerCase(Locale.ROOT)) {
            case "/new" -> {
                answer = simple(Frames.frame("session_new"));
                err.println("New session " + answer.path("session_id").asText());
            }
            case "/sessions" -> {
                answer = simple(Frames.frame("sessions_request"));
                for (JsonNode session : answer.path("sessions")) {
                    out.println(session.path("id").asText() + "  " + session.path("updated_at").asText() + "  "
                            + FrameFields.oneLine(session.path("preview").asText()));
                }
            }
            case "/history" -> {
                answer = simple(Frames.frame("session_history_request"));
                for (JsonNode message : answer.path("messages")) {
                    out.println(message.path("role").asText() + ": " + message.path("content").asText());
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private JsonNode simple(ObjectNode frame) throws IOException {
        JsonNode answer = connected().request(frame, next -> { });
        if (answer == null || answer.path("type").asText().equals("error")) {
            throw new IOException(answer == null ? "no answer" : answer.path("message").asText());
        }
        return answer;
    }

    /** Sends a message and prints its answer; reconnects and asks again when the connection breaks. */
    private boolean send(String text) {
        ObjectNode message = Frames.frame("message").put("text", text).put("stream", true)
                .put("message_id", UUID.randomUUID().toString());
        long wait = 500;
        for (int attempt = 0; ; attempt++) {
            try {
                answer(message);
                return true;
            } catch (MobileClient.Refused e) {
                err.println("openpista: the server refused the device: " + e.getMessage());
                return false;
            } catch (IOException e) {
                if (client != null) {
                    client.close();
                    client = null;
                }
                if (attempt >= RECONNECTS) {
                    err.println("openpista: the connection is lost and did not come back: " + FrameFields.describe(e));
                    return false;
                }
                err.println("(connection lost: " + FrameFields.describe(e) + "; reconnecting)");
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                wait = Math.min(8_000, wait * 2);
            }
        }
    }

    private MobileClient connected() throws IOException {
        if (client == null) {
            client = MobileClient.connect(target, device, Duration.ofSeconds(Math.max(5, idleSeconds)));
        }
        return client;
    }

    private void answer(ObjectNode message) throws IOException {
        boolean streamed = false;
        boolean endsWithNewline = true;
        try (MobileClient.Reply reply = connected().open(message)) {
            JsonNode frame;
            while ((frame = reply.next()) != null) {
                switch (frame.path("type").asText()) {
                    case "message_ack" -> {
                        if (frame.path("resumed").asBoolean()) {
                            err.println("(continuing the answer after the reconnect)");
                        }
                    }
                    case "response_delta" -> {
                        String delta = frame.path("content").asText();
                        out.print(delta);
                        out.flush();
                        streamed = true;
                        endsWithNewline = delta.endsWith("\n");
                    }
                    case "progress" -> {
                        if (frame.path("kind").asText().equals("tool_started")) {
                            err.println("[" + frame.path("tool_name").asText() + "] " + frame.path("detail").asText());
                        }
                    }
                    case "tool_approval_request" -> approve(frame);
                    case "tool_approval_resolved" -> err.println("(" + frame.path("tool_name").asText("tool call") + " "
                            + frame.path("call_id").asText() + ": " + frame.path("decision").asText() + ")");
                    case "response" -> {
                        if (frame.path("is_error").asBoolean()) {
                            if (streamed && !endsWithNewline) {
                                out.println();
                            }
                            err.println("openpista: " + frame.path("content").asText());
                            failed = true;
                        } else if (streamed) {
                            if (!endsWithNewline) {
                                out.println();
                            }
                        } else {
                            out.println(frame.path("content").asText());
                        }
                        out.flush();
                        return;
                    }
                    case "error" -> {
                        err.println("openpista: " + frame.path("message").asText());
                        failed = true;
                        return;
                    }
                    default -> {
                        // a frame of a later extension: ignored, as the protocol asks
                    }
                }
            }
        }
        throw new IOException("the server ended the request without an answer");
    }

    /** Asks on the terminal and answers the question on a stream of its own; no answer (end of input) refuses. */
    private void approve(JsonNode question) throws IOException {
        err.println("Approve " + question.path("tool_name").asText() + " " + question.path("arguments") + "?");
        err.print("[y]es, [n]o, [a]lways in this session: ");
        err.flush();
        String line = in.readLine();
        String choice = line == null ? "" : line.strip().toLowerCase(Locale.ROOT);
        String decision = choice.startsWith("y") ? "approve" : choice.startsWith("a") ? "allow_for_session" : "reject";
        if (line == null) {
            err.println("(end of input: refused)");
        }
        JsonNode answer = connected().request(Frames.frame("tool_approval_response")
                .put("call_id", question.path("call_id").asText())
                .put("session_id", question.path("session_id").asText())
                .put("decision", decision), next -> { });
        if (answer != null && answer.path("type").asText().equals("error")) {
            err.println("openpista: " + answer.path("message").asText());
        }
    }

    private static String hostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9.-]", "");
            return name.isEmpty() ? "terminal" : name;
        } catch (IOException e) {
            return "terminal";
        }
    }
}
