package org.openpista.testkit;

import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * Starts a fake LLM server from the command line, for benchmarks and manual trials:
 *
 * <pre>
 * java -jar org.openpista.testkit.jar --protocol openai|anthropic|responses [--port N]
 * </pre>
 *
 * It answers by {@link EchoScript} (a prompt starting with {@code run:} makes it call {@code
 * system.run}), prints {@code listening on <base_url>} and runs until killed.
 */
public final class FakeServerMain {

    private FakeServerMain() {}

    public static void main(String[] args) throws InterruptedException {
        String protocol = "openai";
        int port = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--protocol" -> protocol = value(args, ++i).toLowerCase(Locale.ROOT);
                case "--port" -> port = Integer.parseInt(value(args, ++i));
                case "--help", "-h" -> {
                    System.out.println("usage: --protocol openai|anthropic|responses [--port N]");
                    return;
                }
                default -> fail("unknown argument " + args[i]);
            }
        }
        FakeLlmServer server = switch (protocol) {
            case "openai" -> new FakeOpenAiServer(port);
            case "anthropic" -> new FakeAnthropicServer(port);
            case "responses" -> new FakeResponsesServer(port);
            default -> throw new IllegalArgumentException("unknown protocol " + protocol + " (openai, anthropic or responses)");
        };
        server.echoFallback();
        System.out.println("listening on " + server.baseUrl());
        System.out.flush();
        new CountDownLatch(1).await();
    }

    private static String value(String[] args, int index) {
        if (index >= args.length) {
            fail("missing value after " + args[index - 1]);
        }
        return args[index];
    }

    private static void fail(String message) {
        System.err.println("fake server: " + message);
        System.exit(2);
    }
}
