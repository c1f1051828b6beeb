package org.openpista.testkit;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * A fake of Azure OpenAI's Chat Completions on 127.0.0.1: the same protocol as {@link
 * FakeOpenAiServer}, at Azure's paths and with Azure's authentication. {@code POST
 * /openai/deployments/{deployment}/chat/completions?api-version=…} answers scripted replies; the
 * key goes in the {@code api-key} header (401 without the right one, when {@link #requireApiKey}
 * set one) and a missing {@code api-version} is refused with 404 as Azure does. {@link #endpoint()}
 * is what users configure as the Azure endpoint.
 */
public class FakeAzureOpenAiServer extends FakeOpenAiServer {

    private static final Pattern CHAT = Pattern.compile("/openai/deployments/[^/]+/chat/completions");

    private volatile String requiredAzureKey;

    /** Starts the fake on 127.0.0.1 with an ephemeral port. */
    public FakeAzureOpenAiServer() {
        super();
    }

    /** @return the resource endpoint, {@code http://127.0.0.1:PORT} (no {@code /v1}) */
    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    public FakeAzureOpenAiServer requireApiKey(String key) {
        this.requiredAzureKey = key;
        return this;
    }

    /** @return the deployment a chat request went to */
    public static String deployment(RecordedRequest request) {
        String path = request.path();
        return path.substring("/openai/deployments/".length(), path.length() - "/chat/completions".length());
    }

    @Override
    protected boolean isChatRequest(RecordedRequest request) {
        return request.method().equals("POST") && CHAT.matcher(request.path()).matches();
    }

    @Override
    protected void render(HttpExchange exchange, RecordedRequest request, FakeReply reply) throws IOException {
        if (!request.query().contains("api-version=")) {
            respond(exchange, 404, "application/json", "{\"error\":{\"code\":\"404\",\"message\":\"Resource not found\"}}");
            return;
        }
        String key = requiredAzureKey;
        if (key != null && !key.equals(request.header("api-key"))) {
            respond(exchange, 401, "application/json", "{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid"
                    + " subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription"
                    + " and use a correct regional API endpoint for your resource.\"}}");
            return;
        }
        super.render(exchange, request, reply);
    }
}
